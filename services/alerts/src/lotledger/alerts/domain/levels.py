"""Stock levels per product and warehouse, derived from lot facts at an instant.

Levels are computed, not stored: a lot that expires at midnight stops being available
without any event, so `available` depends on `now`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

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
    warehouses = set(stocked_in).union(*(lot.warehouses() for lot in ours))
    levels = []
    for warehouse in sorted(warehouses):
        shelf = thresholds.in_warehouse(warehouse).min_remaining_days if thresholds else None
        earliest = zones.today(warehouse, now) + timedelta(days=shelf or 0)
        on_hand = available = 0
        for lot in ours:
            on_hand += sum(lot.on_hand_in(warehouse).values())
            if lot.status is BatchStatus.AVAILABLE and lot.expiry >= earliest:
                available += lot.available_in(warehouse)
        levels.append(StockLevel(gtin, warehouse, available, on_hand))
    return ProductStock(gtin, tuple(levels))
