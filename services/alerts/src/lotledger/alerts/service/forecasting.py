"""Forecasts from the stored facts: for the product rules on every evaluation (which
keeps each warehouse's result for the warehouse-wide expiry-risk report), and for the
forecast API over many products at once (one query per kind of fact)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta

from lotledger.alerts.adapters.forecast_latest import KeptForecast
from lotledger.alerts.adapters.unit_of_work import Stores
from lotledger.alerts.domain.conditions import Evaluation
from lotledger.alerts.domain.expiry_loss import EXPIRED_REASONS, ExpiryLoss, expiry_loss
from lotledger.alerts.domain.facts import LotFacts, ProductThresholds, Zones
from lotledger.alerts.domain.forecast import ForecastSettings, WarehouseForecast, forecast_product
from lotledger.alerts.domain.forecast_risk import Cost
from lotledger.alerts.domain.forecast_rules import evaluate_forecast


def _since(now: datetime, settings: ForecastSettings) -> datetime:
    """A day of margin either side of UTC covers every warehouse's local today."""
    return now - timedelta(days=settings.window_days + 1)


async def evaluate(
    stores: Stores,
    lots: Mapping[str, Sequence[LotFacts]],
    thresholds: Mapping[str, ProductThresholds],
    zones: Zones,
    now: datetime,
    settings: ForecastSettings,
) -> dict[str, Evaluation]:
    """The forecast rules of each product of `lots` (its lots on hand), each product's
    forecasts kept for the report; the facts are read once for all of them."""
    gtins = sorted(lots)
    if not gtins:
        return {}
    histories = await stores.forecast.histories(gtins, _since(now, settings).date())
    costs = await stores.forecast.costs(gtins)
    kept: dict[str, list[WarehouseForecast]] = {}
    out: dict[str, Evaluation] = {}
    for gtin in gtins:
        kept[gtin] = forecast_product(
            gtin,
            lots[gtin],
            costs.get(gtin, {}),
            histories.get(gtin, {}),
            thresholds.get(gtin),
            zones,
            now,
            settings,
        )
        out[gtin] = evaluate_forecast(
            gtin, kept[gtin], thresholds.get(gtin), settings.min_history_days
        )
    await stores.forecast_latest.keep(kept, now)
    return out


async def forecasts_in(
    stores: Stores,
    warehouses: Iterable[str],
    gtin: str | None,
    now: datetime,
    settings: ForecastSettings,
) -> list[WarehouseForecast]:
    """The forecast of every product ever stocked in `warehouses` (or of `gtin` alone),
    in those warehouses only, by gtin then warehouse."""
    wanted = sorted(set(warehouses))
    gtins = [gtin] if gtin is not None else await stores.forecast.products_in(wanted)
    if not gtins or not wanted:
        return []
    lots = await stores.forecast.stock_in(gtins, wanted)
    histories = await stores.forecast.histories(gtins, _since(now, settings).date())
    costs = await stores.forecast.costs(gtins)
    thresholds = await stores.catalog.thresholds_of(gtins)
    zones = await stores.catalog.zones()
    by_gtin: dict[str, list[LotFacts]] = {}
    for lot in lots:
        by_gtin.setdefault(lot.gtin, []).append(lot)
    out: list[WarehouseForecast] = []
    for product in gtins:
        seen = {w: h for w, h in histories.get(product, {}).items() if w in wanted}
        out += [
            f
            for f in forecast_product(
                product,
                by_gtin.get(product, []),
                costs.get(product, {}),
                seen,
                thresholds.get(product),
                zones,
                now,
                settings,
            )
            if f.warehouse in wanted
        ]
    return out


async def kept_in(stores: Stores, warehouses: Iterable[str], limit: int) -> list[KeptForecast]:
    """The latest forecasts the evaluations kept in `warehouses`, most units at risk
    first: each is as of its `computed_at`, at most one sweep interval old."""
    return await stores.forecast_latest.top(warehouses, limit)


async def expiry_loss_in(
    stores: Stores, warehouses: Iterable[str], start: date, end: date
) -> ExpiryLoss:
    disposals = await stores.forecast.disposals(warehouses, start, end, EXPIRED_REASONS)
    gtins = {d.gtin for d in disposals}
    costs = await stores.forecast.costs(gtins)
    thresholds = await stores.catalog.thresholds_of(gtins)
    defaults = {
        gtin: Cost(t.unit_cost, t.currency)
        for gtin, t in thresholds.items()
        if t.unit_cost is not None and t.currency
    }
    return expiry_loss(disposals, costs, defaults)
