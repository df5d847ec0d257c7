"""An independent day-by-day simulation of FEFO consumption, written from the issue's
words rather than from the walk: every day brings `per_day` units of demand, served from
the earliest-expiring lot that is in stock, has arrived and is still sellable that day
(expiry − min_remaining_days not before the day), spilling over to the next lot within
the day. Whatever a lot still holds once its last sellable day has passed is at risk."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction


@dataclass
class SimLot:
    lot: str
    expiry: date
    qty: int
    arrives_day: int = 0


@dataclass(frozen=True)
class SimResult:
    at_risk: dict[str, int]
    first_sold_on: dict[str, date | None]
    sold: Fraction
    first_short_day: date | None


def simulate(lots: list[SimLot], per_day: Fraction, today: date, min_remaining: int) -> SimResult:
    left = {lot.lot: Fraction(lot.qty) for lot in lots}
    first: dict[str, date | None] = {lot.lot: None for lot in lots}
    last_day = {lot.lot: (lot.expiry - timedelta(days=min_remaining) - today).days for lot in lots}
    horizon = max([*last_day.values(), *(lot.arrives_day for lot in lots), 0]) + 2
    queue = sorted(lots, key=lambda lot: (lot.expiry, lot.lot))
    sold = Fraction(0)
    short: date | None = None
    for day in range(horizon):
        demand = per_day
        for lot in queue:
            if demand == 0:
                break
            if left[lot.lot] == 0 or day < lot.arrives_day or day > last_day[lot.lot]:
                continue
            take = min(demand, left[lot.lot])
            left[lot.lot] -= take
            demand -= take
            sold += take
            if first[lot.lot] is None:
                first[lot.lot] = today + timedelta(days=day)
        if demand > 0 and short is None:
            short = today + timedelta(days=day)
    at_risk = {name: math.ceil(qty) for name, qty in left.items()}
    return SimResult(at_risk, first, sold, short)
