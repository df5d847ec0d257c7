"""What the demo's day is made of: the places and products it plays on, the sensors it
registers, the alert types it must cause (and no other), and the record it keeps."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from lotledger_bench.generator.catalog import CATALOG, RANGES, Product

from lotledger.shared.urls import lot_segment

COLD_ROOM = "WH1/COLD-A/01"
LOGGER_ROOM = "WH1/COLD-A/02"
LOGGER = "LOG-WH1-COLD-A-02"
"""A data logger that lost its link: it uploads its buffer late, then stays silent."""
ALERT_TYPES_OF_THE_DAY = frozenset(
    {
        "recall",
        "temperature_excursion",
        "stock_out",
        "low_stock",
        "overstock",
        "near_expiry",
        "fefo_deviation",
        "sensor_silent",
        "sync_conflict",
        "suspect_product",
    }
)
"""Every alert type the day causes, and only those (its test holds it to this)."""
SHORT_DATED = {1: (45, 80), 9: (45, 80), 2: (120, 170), 12: (120, 170)}
"""Products (by catalog index) whose first lot of the day expires within these days."""
SCARCE = CATALOG.products[4]
"""Received just above its reorder point, then picked out: a stock-out."""
OVERSTOCKED = CATALOG.products[5]
"""Its maximum stock lowered below what the day receives: overstock."""
RUNNING_LOW = CATALOG.products[7]
"""Picked down to half its reorder point by the end of the day: low stock."""


@dataclass
class Lot:
    product: Product
    lot: str
    expiry: date | None
    location: str
    sequence: int
    short_dated: bool = False

    @property
    def key(self) -> str:
        return f"{self.product.gtin}/{self.lot}"

    @property
    def path(self) -> str:
        """`{gtin}/{lot}` as URL path segments."""
        return f"{self.product.gtin}/{lot_segment(self.lot)}"


@dataclass
class Day:
    """What the day did, for the closing report (and for the test that plays it)."""

    lots: list[Lot] = field(default_factory=list)
    known: dict[str, Lot] = field(default_factory=dict)
    shipped: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    counts: Counter[str] = field(default_factory=Counter)
    recalled: Lot | None = None
    deviation: Lot | None = None
    excursion_window: tuple[datetime, datetime] | None = None
    late_window: tuple[datetime, datetime] | None = None
    inspected: int = 0
    rejected: tuple[Lot, str] | None = None
    returned: Lot | None = None
    sync_conflict: str | None = None
    sync_replayed: bool = False
    suspect_product: str | None = None
    """The subject of the alert the refused serialised return raised."""

    def lot(self, key: str) -> Lot:
        return self.known[key]

    def add(self, lot: Lot) -> None:
        self.known.setdefault(lot.key, lot)


def sensor_id(location: str) -> str:
    return "SN-" + location.replace("/", "-")


def in_range(location_id: str) -> float:
    """The middle of the location's temperature range."""
    (location,) = [loc for loc in CATALOG.locations if loc.location_id == location_id]
    low, high = RANGES[location.storage_class]
    return round((low + high) / 2, 1)
