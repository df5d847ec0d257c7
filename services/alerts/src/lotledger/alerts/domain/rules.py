"""Expiry and stock-level rules, one per alert type.

A rule reads the facts of one group (a lot, a product), returns the conditions holding
at `now` and the scope it looked at (see `subjects` for subject keys and groups). Pure;
time is passed in. The climate rules live in `climate`, the event-triggered recall and
FEFO-deviation alerts in `triggered`, webhook_failing in `webhooks`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from lotledger.alerts.domain.conditions import AlertKey, Condition, Evaluation, Scope
from lotledger.alerts.domain.facts import LotFacts, ProductThresholds, Zones
from lotledger.alerts.domain.levels import ProductStock, StockLevel
from lotledger.alerts.domain.rules_config import RulesConfig
from lotledger.alerts.domain.severity import SEVERITY, near_expiry_severity
from lotledger.alerts.domain.subjects import lot_subject, stock_subject
from lotledger.shared.contracts.alerts import AlertType
from lotledger.shared.contracts.stock import BatchStatus

NEAR_EXPIRY_STATUSES = frozenset({BatchStatus.AVAILABLE, BatchStatus.QUARANTINED})


def tier_label(days: int) -> str:
    return f"{days}d"


def _lot_details(lot: LotFacts, warehouse: str) -> dict[str, Any]:
    here = lot.on_hand_in(warehouse)
    return {
        "gtin": lot.gtin,
        "lot": lot.lot,
        "warehouse": warehouse,
        "expiry": lot.expiry.isoformat(),
        "status": lot.status.value,
        "on_hand": sum(here.values()),
        "locations": here,
    }


def near_expiry(
    lot: LotFacts,
    thresholds: ProductThresholds | None,
    zones: Zones,
    config: RulesConfig,
    now: datetime,
) -> Evaluation:
    """Per warehouse holding available or quarantined stock of the lot, the most urgent
    tier reached: the smallest tier T with days left ≤ T, where days left = expiry − today
    in the warehouse's zone and is ≥ 0 (from the day after expiry, expired_on_hand takes
    over). Because the tier is part of the key, reaching the next tier raises that tier's
    alert and resolves the previous one. Rejected and recalled stock is left to disposal
    and the recall alert."""
    tiers = thresholds.tiers(config.near_expiry_days) if thresholds else config.near_expiry_days
    conditions = []
    for warehouse in lot.warehouses():
        days_left = (lot.expiry - zones.today(warehouse, now)).days
        reached = [days for days in tiers if 0 <= days_left <= days]
        if not reached or lot.status not in NEAR_EXPIRY_STATUSES:
            continue
        tier = min(reached)
        key = AlertKey(
            AlertType.NEAR_EXPIRY, lot_subject(lot.gtin, lot.lot, warehouse), tier_label(tier)
        )
        details = _lot_details(lot, warehouse) | {"tier_days": tier}
        conditions.append(Condition(key, near_expiry_severity(tier), details))
    return Evaluation(Scope.of(lot.batch_id, AlertType.NEAR_EXPIRY), tuple(conditions))


def expired_on_hand(lot: LotFacts, zones: Zones, now: datetime) -> Evaluation:
    """Per warehouse holding stock of the lot, whatever its status, once the expiry is
    before today in the warehouse's zone: expired goods must be segregated and disposed."""
    conditions = [
        Condition(
            AlertKey(AlertType.EXPIRED_ON_HAND, lot_subject(lot.gtin, lot.lot, warehouse)),
            SEVERITY[AlertType.EXPIRED_ON_HAND],
            _lot_details(lot, warehouse),
        )
        for warehouse in lot.warehouses()
        if lot.expiry < zones.today(warehouse, now)
    ]
    return Evaluation(Scope.of(lot.batch_id, AlertType.EXPIRED_ON_HAND), tuple(conditions))


def _level_condition(
    alert_type: AlertType, level: StockLevel, thresholds: ProductThresholds
) -> Condition:
    here = thresholds.in_warehouse(level.warehouse)
    details = {
        "gtin": level.gtin,
        "warehouse": level.warehouse,
        "available": level.available,
        "on_hand": level.on_hand,
        "reorder_point": here.reorder_point,
        "max_stock": here.max_stock,
    }
    key = AlertKey(alert_type, stock_subject(level.gtin, level.warehouse))
    return Condition(key, SEVERITY[alert_type], details)


def _point(known: ProductThresholds, level: StockLevel) -> int | None:
    return known.in_warehouse(level.warehouse).reorder_point


def _ceiling(known: ProductThresholds, level: StockLevel) -> int | None:
    return known.in_warehouse(level.warehouse).max_stock


def low_stock(stock: ProductStock, thresholds: ProductThresholds | None) -> Evaluation:
    """Per warehouse: 0 < available ≤ the reorder point in force there. At zero,
    stock_out takes over."""
    known = thresholds or ProductThresholds(stock.gtin)
    conditions = tuple(
        _level_condition(AlertType.LOW_STOCK, level, known)
        for level in stock.levels
        if (point := _point(known, level)) is not None and 0 < level.available <= point
    )
    return Evaluation(Scope.of(stock.gtin, AlertType.LOW_STOCK), conditions)


def stock_out(stock: ProductStock, thresholds: ProductThresholds | None) -> Evaluation:
    """Per warehouse that has ever held the product: available == 0, for products with a
    reorder point (replenished products). A product without one, e.g. discontinued or a
    one-off batch, running out is not an alarm."""
    known = thresholds or ProductThresholds(stock.gtin)
    conditions = tuple(
        _level_condition(AlertType.STOCK_OUT, level, known)
        for level in stock.levels
        if _point(known, level) is not None and level.available == 0
    )
    return Evaluation(Scope.of(stock.gtin, AlertType.STOCK_OUT), conditions)


def overstock(stock: ProductStock, thresholds: ProductThresholds | None) -> Evaluation:
    """Per warehouse: available ≥ the max stock in force there (and above zero)."""
    known = thresholds or ProductThresholds(stock.gtin)
    conditions = tuple(
        _level_condition(AlertType.OVERSTOCK, level, known)
        for level in stock.levels
        if (ceiling := _ceiling(known, level)) is not None and level.available >= max(ceiling, 1)
    )
    return Evaluation(Scope.of(stock.gtin, AlertType.OVERSTOCK), conditions)


def evaluate_lot(
    lot: LotFacts,
    thresholds: ProductThresholds | None,
    zones: Zones,
    config: RulesConfig,
    now: datetime,
) -> Evaluation:
    """Every expiry rule for one lot."""
    return near_expiry(lot, thresholds, zones, config, now) | expired_on_hand(lot, zones, now)


def evaluate_stock(stock: ProductStock, thresholds: ProductThresholds | None) -> Evaluation:
    """Every stock-level rule for one product."""
    return (
        low_stock(stock, thresholds) | stock_out(stock, thresholds) | overstock(stock, thresholds)
    )
