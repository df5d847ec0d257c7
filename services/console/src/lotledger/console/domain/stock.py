"""Stock and expiry per warehouse: on hand by product and lot, what is held, expiry
buckets, stock against the products' reorder point and maximum."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

AVAILABLE = "available"
BUCKETS = ("expired", "< 30 days", "< 90 days", "< 180 days", "180 days or more")
LIMITS = (0, 30, 90, 180)
"""Days left below which a line falls in the bucket of the same index."""


@dataclass(frozen=True)
class StockLine:
    gtin: str
    lot: str
    location: str
    warehouse: str
    qty: int
    status: str
    expiry: date
    holding_status: str | None = None

    @property
    def held_as(self) -> str:
        """What holds the stock here: the batch's status when QA has stopped the whole lot
        (quarantined, rejected, recalled), else the holding's own (available, returned,
        pending_inspection, held, rejected)."""
        if self.status != AVAILABLE:
            return self.status
        return self.holding_status or AVAILABLE

    @property
    def on_hold(self) -> bool:
        return self.held_as != AVAILABLE


@dataclass(frozen=True)
class Product:
    gtin: str
    name: str
    reorder_point: int | None
    max_stock: int | None


def bucket(expiry: date, today: date) -> str:
    left = (expiry - today).days
    for name, limit in zip(BUCKETS, LIMITS, strict=False):
        if left < limit:
            return name
    return BUCKETS[-1]


@dataclass(frozen=True)
class Bucket:
    name: str
    qty: int
    lots: int


def expiry_buckets(lines: Iterable[StockLine], today: date) -> list[Bucket]:
    """Units and distinct lots per bucket, every bucket present, in BUCKETS order."""
    qty: dict[str, int] = dict.fromkeys(BUCKETS, 0)
    lots: dict[str, set[tuple[str, str]]] = {b: set() for b in BUCKETS}
    for line in lines:
        name = bucket(line.expiry, today)
        qty[name] += line.qty
        lots[name].add((line.gtin, line.lot))
    return [Bucket(b, qty[b], len(lots[b])) for b in BUCKETS]


@dataclass(frozen=True)
class Level:
    warehouse: str
    gtin: str
    name: str
    available: int
    on_hand: int
    reorder_point: int | None
    max_stock: int | None

    @property
    def state(self) -> str:
        """out, low (at or below the reorder point), over (at or above max) or ok."""
        if self.available == 0:
            return "out"
        if self.reorder_point is not None and self.available <= self.reorder_point:
            return "low"
        if self.max_stock is not None and self.on_hand >= self.max_stock:
            return "over"
        return "ok"


def levels(lines: Iterable[StockLine], products: Mapping[str, Product], today: date) -> list[Level]:
    """Per warehouse and product: available (saleable, unexpired) and total on hand."""
    available: dict[tuple[str, str], int] = defaultdict(int)
    on_hand: dict[tuple[str, str], int] = defaultdict(int)
    for line in lines:
        key = (line.warehouse, line.gtin)
        on_hand[key] += line.qty
        if not line.on_hold and line.expiry >= today:
            available[key] += line.qty
    out = []
    for (warehouse, gtin), total in sorted(on_hand.items()):
        product = products.get(gtin)
        out.append(
            Level(
                warehouse=warehouse,
                gtin=gtin,
                name=product.name if product else gtin,
                available=available[(warehouse, gtin)],
                on_hand=total,
                reorder_point=product.reorder_point if product else None,
                max_stock=product.max_stock if product else None,
            )
        )
    return out


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    baseline: float
    bars: tuple[Bar, ...]


def bar_chart(buckets: list[Bucket], width: int = 560, height: int = 220) -> BarChart:
    """Vertical bars scaled to the largest bucket, with room for labels below and above."""
    top, bottom, gap = 24.0, 40.0, 16.0
    plot = height - top - bottom
    biggest = max((b.qty for b in buckets), default=0) or 1
    w = (width - gap * (len(buckets) + 1)) / max(len(buckets), 1)
    bars = []
    for i, b in enumerate(buckets):
        h = plot * b.qty / biggest
        bars.append(Bar(b.name, b.qty, gap + i * (w + gap), top + plot - h, w, h))
    return BarChart(width, height, top + plot, tuple(bars))


def holdings_at(
    status: str, on_hand: Mapping[str, int], held: Mapping[str, Mapping[str, int]]
) -> dict[str, str]:
    """Location → how the lot's stock there is held, as the lot page shows it: the batch's
    status when it is not available; else `available`, or the holdings with their
    quantities when part is held apart (`available 7 · returned 3`)."""
    described: dict[str, str] = {}
    for location, qty in on_hand.items():
        if status != AVAILABLE:
            described[location] = status
            continue
        apart = {k: q for k, q in sorted((held.get(location) or {}).items()) if q > 0}
        free = qty - sum(apart.values())
        parts = ([(AVAILABLE, free)] if free > 0 else []) + list(apart.items())
        described[location] = (
            AVAILABLE if not apart else " · ".join(f"{name} {q}" for name, q in parts)
        )
    return described
