"""Replenishment of one product in one warehouse: a dynamic reorder point and a
suggested order that the new lot's own shelf life can absorb.

- Position: the sellable units the FEFO walk forecasts to be sold (`ExpiryRisk.sold`);
  units at risk and held stock do not cover demand.
- Reorder point: `ROP = v·L + z·σ·√L` with v and σ from the window's daily shipments, L
  the lead time in days and z the standard normal quantile of the service level. Shown
  rounded up to whole units. A reorder is suggested when v > 0 and position ≤ ROP.
- Target: the max stock in force, else v·(L + cover_days) rounded up.
- Cap (the new lot's shelf life): the new lot arrives after L days and expires
  `shelf_life_days` later; like every lot it is sellable through `expiry −
  min_remaining_days` and stops being sellable the day after. Consumption reaches it at
  the later of its arrival and the day the stock on hand runs out (`days_of_cover`), since
  a fresh lot expires after the lots on hand and FEFO sells those first. Never suggest
  more than v times the days between that moment and the day it stops being sellable,
  rounded down: more would be at risk the day it arrives. (If the new lot expired before
  some lot on hand, FEFO would reach it sooner; the cap then errs towards ordering less.)
  With no shelf life known there is no cap.
- Suggested quantity: min(target − position, cap), at least zero.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from statistics import NormalDist

from lotledger.alerts.domain.forecast_risk import ExpiryRisk
from lotledger.alerts.domain.forecast_velocity import Velocity

DEFAULT_SERVICE_LEVEL = 0.95
DEFAULT_LEAD_TIME_DAYS = 7
DEFAULT_COVER_DAYS = 30


@dataclass(frozen=True)
class ReorderPolicy:
    lead_time_days: int = DEFAULT_LEAD_TIME_DAYS
    service_level: float = DEFAULT_SERVICE_LEVEL
    max_stock: int | None = None
    cover_days: int = DEFAULT_COVER_DAYS
    shelf_life_days: int | None = None
    min_remaining_days: int = 0

    def __post_init__(self) -> None:
        if self.lead_time_days < 0 or self.cover_days < 0:
            raise ValueError("lead time and cover are days, zero or more")
        if not 0 < self.service_level < 1:
            raise ValueError("the service level lies strictly between 0 and 1")


@dataclass(frozen=True)
class Replenishment:
    reorder_point: int
    position: int
    target: int
    cap: int | None
    suggested_qty: int
    reorder: bool
    safety_stock: float
    z: float


def z_of(service_level: float) -> float:
    return NormalDist().inv_cdf(service_level)


def reorder_point(velocity: Velocity, policy: ReorderPolicy) -> float:
    lead = policy.lead_time_days
    return float(velocity.per_day * lead) + safety_stock(velocity, policy)


def safety_stock(velocity: Velocity, policy: ReorderPolicy) -> float:
    return z_of(policy.service_level) * velocity.sigma * math.sqrt(policy.lead_time_days)


def shelf_life_cap(per_day: Fraction, risk: ExpiryRisk, policy: ReorderPolicy) -> int | None:
    if policy.shelf_life_days is None:
        return None
    arrival = Fraction(policy.lead_time_days)
    reached = max(arrival, risk.days_of_cover or Fraction(0))
    stops = arrival + policy.shelf_life_days - policy.min_remaining_days + 1
    return math.floor(per_day * max(Fraction(0), stops - reached))


def replenishment(velocity: Velocity, risk: ExpiryRisk, policy: ReorderPolicy) -> Replenishment:
    v = velocity.per_day
    point = reorder_point(velocity, policy)
    position = risk.sold
    if policy.max_stock is not None:
        target = policy.max_stock
    else:
        target = math.ceil(v * (policy.lead_time_days + policy.cover_days))
    cap = shelf_life_cap(v, risk, policy)
    wanted = max(0, target - position)
    suggested = wanted if cap is None else min(wanted, cap)
    reorder = v > 0 and position <= point and suggested > 0
    return Replenishment(
        math.ceil(point - 1e-9),
        position,
        target,
        cap,
        suggested if reorder else 0,
        reorder,
        safety_stock(velocity, policy),
        z_of(policy.service_level),
    )
