"""One product's forecast per warehouse, from the facts the projector keeps: its lots,
each lot's cost, and per warehouse the daily shipments, the first receipt and the shelf
life of the latest receipt (what a new lot is expected to have).

A lot's cost is the quantity-weighted mean of its costed receipts, in the currency most
of its costed units came in (ties: the code first in order); a lot without a costed
receipt takes the product's default cost; without either it has no value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from lotledger.alerts.domain.facts import NO_STOCK, LotFacts, ProductThresholds, Zones
from lotledger.alerts.domain.forecast_reorder import (
    DEFAULT_COVER_DAYS,
    DEFAULT_LEAD_TIME_DAYS,
    DEFAULT_SERVICE_LEVEL,
    ReorderPolicy,
    Replenishment,
    replenishment,
)
from lotledger.alerts.domain.forecast_risk import Cost, ExpiryRisk, ForecastLot, expiry_risk
from lotledger.alerts.domain.forecast_velocity import DEFAULT_WINDOW_DAYS, Velocity, velocity
from lotledger.shared.contracts.stock import BatchStatus


@dataclass(frozen=True)
class CostedReceipts:
    """Costed receipts of a lot in one currency: units and their total cost."""

    currency: str
    qty: int
    total: Decimal


def lot_cost(receipts: Iterable[CostedReceipts]) -> Cost | None:
    by_currency: dict[str, tuple[int, Decimal]] = {}
    for r in receipts:
        qty, total = by_currency.get(r.currency, (0, Decimal(0)))
        by_currency[r.currency] = (qty + r.qty, total + r.total)
    costed = [(qty, currency, total) for currency, (qty, total) in by_currency.items() if qty > 0]
    if not costed:
        return None
    qty, currency, total = min(costed, key=lambda c: (-c[0], c[1]))
    return Cost(total / qty, currency)


@dataclass(frozen=True)
class WarehouseHistory:
    """`daily_shipped`: units picked for consignees per local day."""

    warehouse: str
    first_received: date | None = None
    shelf_life_days: int | None = None
    daily_shipped: Mapping[date, int] = field(default_factory=dict)


DEFAULT_MIN_HISTORY_DAYS = 14


@dataclass(frozen=True)
class ForecastSettings:
    window_days: int = DEFAULT_WINDOW_DAYS
    cover_days: int = DEFAULT_COVER_DAYS
    lead_time_days: int = DEFAULT_LEAD_TIME_DAYS
    service_level: float = DEFAULT_SERVICE_LEVEL
    min_history_days: int = DEFAULT_MIN_HISTORY_DAYS
    """The forecast alerts wait for this many days of history in the window: a product
    received yesterday and not yet picked has no velocity worth alerting on."""


DEFAULT_FORECAST = ForecastSettings()


@dataclass(frozen=True)
class WarehouseForecast:
    gtin: str
    warehouse: str
    velocity: Velocity
    risk: ExpiryRisk
    policy: ReorderPolicy
    plan: Replenishment


def forecast_lot(lot: LotFacts, warehouse: str, cost: Cost | None) -> ForecastLot:
    here = lot.by_warehouse.get(warehouse, NO_STOCK)
    sellable = here.available if lot.status is BatchStatus.AVAILABLE else 0
    return ForecastLot(lot.lot, lot.expiry, sellable, here.on_hand - sellable, cost)


def forecast_product(
    gtin: str,
    lots: Iterable[LotFacts],
    costs: Mapping[str, Cost],
    histories: Mapping[str, WarehouseHistory],
    thresholds: ProductThresholds | None,
    zones: Zones,
    now: datetime,
    settings: ForecastSettings = DEFAULT_FORECAST,
) -> list[WarehouseForecast]:
    """Every warehouse that holds the product or has a history of it, sorted."""
    known = thresholds or ProductThresholds(gtin)
    default = (
        Cost(known.unit_cost, known.currency)
        if known.unit_cost is not None and known.currency
        else None
    )
    stocked: dict[str, list[LotFacts]] = {warehouse: [] for warehouse in histories}
    for lot in lots:
        if lot.gtin == gtin:
            for warehouse in lot.by_warehouse:
                stocked.setdefault(warehouse, []).append(lot)
    out = []
    for warehouse in sorted(stocked):
        here = known.in_warehouse(warehouse)
        history = histories.get(warehouse) or WarehouseHistory(warehouse)
        today = zones.today(warehouse, now)
        shelf = here.min_remaining_days or 0
        speed = velocity(history.daily_shipped, history.first_received, today, settings.window_days)
        stock = [
            forecast_lot(lot, warehouse, costs.get(lot.lot, default)) for lot in stocked[warehouse]
        ]
        risk = expiry_risk(stock, speed.per_day, today, shelf)
        lead, level = here.lead_time_days, here.service_level
        policy = ReorderPolicy(
            lead if lead is not None and lead >= 0 else settings.lead_time_days,
            level if level is not None and 0 < level < 1 else settings.service_level,
            here.max_stock,
            settings.cover_days,
            history.shelf_life_days,
            shelf,
        )
        out.append(
            WarehouseForecast(
                gtin, warehouse, speed, risk, policy, replenishment(speed, risk, policy)
            )
        )
    return out
