"""Consumption velocity of one product in one warehouse, from what it shipped.

Only picks with a consignee count (moves, disposals and adjustments are not demand), each
on the calendar day it happened in the warehouse's zone (the event's `at`, the device's
scan time). The window is the `window_days` days ending with today, today included, and
starts no earlier than the day of the product's first receipt there: a product received
ten days ago is judged over ten days (eleven with today), not ninety.

Velocity is exact (a `Fraction` of units per day) so the FEFO walk that follows adds no
rounding of its own.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

DEFAULT_WINDOW_DAYS = 90


@dataclass(frozen=True)
class Velocity:
    """`per_day` = shipped / days over the window; `sigma` is the population standard
    deviation of the window's daily shipments (days without a shipment count as zero).
    `days` is 0 when the product was never received there: then nothing is known and
    both are zero."""

    per_day: Fraction
    sigma: float
    days: int
    shipped: int
    since: date | None

    @classmethod
    def unknown(cls) -> Velocity:
        return cls(Fraction(0), 0.0, 0, 0, None)


def window_start(today: date, first_receipt: date, window_days: int) -> date:
    return max(today - timedelta(days=window_days - 1), first_receipt)


def velocity(
    daily_shipped: Mapping[date, int],
    first_receipt: date | None,
    today: date,
    window_days: int = DEFAULT_WINDOW_DAYS,
) -> Velocity:
    """`daily_shipped`: units shipped to consignees per local day; days outside the
    window are ignored."""
    if window_days < 1:
        raise ValueError("the window is at least one day")
    if first_receipt is None or first_receipt > today:
        return Velocity.unknown()
    start = window_start(today, first_receipt, window_days)
    days = (today - start).days + 1
    counts = [qty for day, qty in daily_shipped.items() if start <= day <= today]
    shipped = sum(counts)
    squares = sum(qty * qty for qty in counts)
    mean = Fraction(shipped, days)
    variance = Fraction(squares * days - shipped * shipped, days * days)
    return Velocity(mean, math.sqrt(variance), days, shipped, start)
