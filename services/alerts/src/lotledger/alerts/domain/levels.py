"""Stock levels per product and warehouse, derived from lot facts at an instant.

Levels are computed, not stored: a lot that expires at midnight stops being available
without any event, so `available` depends on `now`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from lotledger.alerts.domain.facts import LotFacts, ProductThresholds, Zones
from lotledger.shared.contracts.stock import BatchStatus


@dataclass(frozen=True)
class StockLevel:
    """`available` counts the available holdings of lots whose status is available and
    which have at least the warehouse's minimum shelf life left (expiry not before today
    in the warehouse's zone, plus the product's `min_remaining_days` there); `on_hand`
    counts every lot and holding whatever its status."""

    gtin: str
    warehouse: str
    available: int
    on_hand: int


@dataclass(frozen=True)
class ProductStock:
    """One product's levels, one per warehouse, sorted by warehouse."""

    gtin: str
    levels: tuple[StockLevel, ...] = ()


def product_stock(
    gtin: str,
    lots: Iterable[LotFacts],
    stocked_in: Iterable[str],
    zones: Zones,
    now: datetime,
    thresholds: ProductThresholds | None = None,
) -> ProductStock:
    """The levels of `gtin` (lots of other products are ignored) in every warehouse that
    holds it now or is named in `stocked_in`: the warehouses that have ever held it. Those
    keep a level of zero after their last lot leaves, which is what makes a stock-out seen."""
    ours = [lot for lot in lots if lot.gtin == gtin]
    on_hand = dict.fromkeys(stocked_in, 0)
    available = dict.fromkeys(stocked_in, 0)
    earliest: dict[str, date] = {}
    for lot in ours:
        for warehouse, stock in lot.by_warehouse.items():
            on_hand[warehouse] = on_hand.get(warehouse, 0) + stock.on_hand
            available.setdefault(warehouse, 0)
            if lot.status is not BatchStatus.AVAILABLE:
                continue
            if warehouse not in earliest:
                earliest[warehouse] = _earliest(warehouse, zones, now, thresholds)
            if lot.expiry >= earliest[warehouse]:
                available[warehouse] += stock.available
    return ProductStock(
        gtin, tuple(StockLevel(gtin, w, available[w], on_hand[w]) for w in sorted(on_hand))
    )


def _earliest(
    warehouse: str, zones: Zones, now: datetime, thresholds: ProductThresholds | None
) -> date:
    """The first expiry date still sellable in `warehouse` today."""
    shelf = thresholds.in_warehouse(warehouse).min_remaining_days if thresholds else None
    return zones.today(warehouse, now) + timedelta(days=shelf or 0)
