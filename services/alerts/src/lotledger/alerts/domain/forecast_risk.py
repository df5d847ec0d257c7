"""Expiry risk of one product in one warehouse, walking its lots in FEFO order.

Time runs in days from the start of today (t = 0). A lot is sellable through the day
`expiry − min_remaining_days` (the pick rule of DESIGN §7) and stops being sellable at the
start of the next day, `stops_sellable_on`, which is t = D. Demand flows continuously at
the velocity v. Lots are taken by expiry, then lot: consumption reaches a lot at t = s
when the lots before it are exhausted or have stopped being sellable; it sells
min(qty, v·(D − s)) of it, and whatever remains at D is at risk. A lot reached at or
after D (or already past it) is at risk whole. With v = 0 every sellable lot is at risk.

Quantities at risk are whole units, rounded up (a unit partly forecast as sold is still
on the shelf); the walk itself is exact (integers scaled by the velocity's numerator and
denominator). Held stock (a batch QA stopped, a
holding other than available) is not consumed and is reported apart.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction


@dataclass(frozen=True)
class Cost:
    """A unit cost in one ISO 4217 currency."""

    amount: Decimal
    currency: str


@dataclass(frozen=True)
class ForecastLot:
    """One lot's stock in the warehouse: `sellable` units (available holdings of an
    available batch) and `held` units (the rest of what is on hand)."""

    lot: str
    expiry: date
    sellable: int
    held: int = 0
    cost: Cost | None = None


@dataclass(frozen=True)
class LotRisk:
    """`reached_on`: the day consumption is forecast to reach the lot, None if never."""

    lot: str
    expiry: date
    stops_sellable_on: date
    qty: int
    qty_at_risk: int
    value_at_risk: Decimal | None
    currency: str | None
    reached_on: date | None


@dataclass(frozen=True)
class HeldLot:
    lot: str
    expiry: date
    qty: int
    value: Decimal | None
    currency: str | None


@dataclass(frozen=True)
class ExpiryRisk:
    """`days_of_cover`: how long the sellable stock lasts at the velocity (None when the
    velocity is zero and there is stock); `stock_out_on`: the day it runs out (None
    likewise). `value_at_risk` sums by currency; lots without a cost add no value."""

    today: date
    lots: tuple[LotRisk, ...]
    held: tuple[HeldLot, ...]
    qty_at_risk: int
    value_at_risk: Mapping[str, Decimal] = field(default_factory=dict)
    days_of_cover: Fraction | None = None
    stock_out_on: date | None = None

    @property
    def sold(self) -> int:
        """Sellable units forecast to be sold before they stop being sellable."""
        return sum(lot.qty - lot.qty_at_risk for lot in self.lots)


def stops_sellable_on(expiry: date, min_remaining_days: int) -> date:
    return expiry - timedelta(days=min_remaining_days - 1)


def _value(qty: int, cost: Cost | None) -> Decimal | None:
    return None if cost is None else cost.amount * qty


def fefo_order(lots: Iterable[ForecastLot]) -> list[ForecastLot]:
    return sorted(lots, key=lambda lot: (lot.expiry, lot.lot))


def expiry_risk(
    lots: Iterable[ForecastLot],
    per_day: Fraction,
    today: date,
    min_remaining_days: int = 0,
) -> ExpiryRisk:
    """The FEFO walk described in the module docstring."""
    if per_day < 0:
        raise ValueError("velocity is never negative")
    ordered = fefo_order(lots)
    # Exact in integers: with v = n/d, time is kept as T = t·n and quantities as q·d, so
    # v·(D − t) becomes D·n − T and selling q takes q·d of T.
    n, d = per_day.numerator, per_day.denominator
    clock = 0
    out: list[LotRisk] = []
    totals: dict[str, Decimal] = {}
    for lot in (lot for lot in ordered if lot.sellable > 0):
        stops = stops_sellable_on(lot.expiry, min_remaining_days)
        end = (stops - today).days * n
        reached = today + timedelta(days=clock // n) if n and clock < end else None
        remaining = lot.sellable * d
        if reached is not None:
            sold = min(remaining, end - clock)
            remaining -= sold
            clock = clock + sold if remaining == 0 else end
        at_risk = -(-remaining // d)
        value = _value(at_risk, lot.cost)
        if value is not None and lot.cost is not None and at_risk:
            totals[lot.cost.currency] = totals.get(lot.cost.currency, Decimal(0)) + value
        currency = lot.cost.currency if lot.cost else None
        out.append(
            LotRisk(lot.lot, lot.expiry, stops, lot.sellable, at_risk, value, currency, reached)
        )
    held = tuple(
        HeldLot(
            lot.lot,
            lot.expiry,
            lot.held,
            _value(lot.held, lot.cost),
            lot.cost.currency if lot.cost else None,
        )
        for lot in ordered
        if lot.held > 0
    )
    cover = None if out and not n else Fraction(clock, n or 1)
    return ExpiryRisk(
        today,
        tuple(out),
        held,
        sum(lot.qty_at_risk for lot in out),
        totals,
        cover,
        today + timedelta(days=math.floor(cover)) if cover is not None else None,
    )
