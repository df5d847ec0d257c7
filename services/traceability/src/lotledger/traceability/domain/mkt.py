"""Mean kinetic temperature (USP <1160>, <1079.2>):

    T_K = (ΔH/R) / −ln( Σ w_i·exp(−(ΔH/R) / T_i) / Σ w_i ),   T_i = t_i + 273.15

with ΔH/R = 10,000 K unless given; temperatures enter and leave in °C.

Time weighting of irregular readings. Readings of one location form a step function
(sample and hold): a reading holds from its own time until the next reading's time, the
last one until the window's end. Over a window `[start, end)` a reading's weight is the
number of seconds its hold overlaps the window. It follows that

- the latest reading before `start` carries into the window and covers it up to the
  first reading inside; readings before that one contribute nothing;
- readings at or after `end` contribute nothing;
- time before the first reading is uncovered (never extrapolated backwards), and so is
  time beyond `max_hold` after a reading when a maximum hold is given (a silent sensor
  is not assumed to have kept reading the same value);
- of readings sharing one instant, the last one given holds;
- non-finite readings (a faulty sensor's NaN or infinity) are dropped before weighting,
  so the reading before them holds on.

Uncovered time carries no weight. A window with no covered time has no MKT (None).

A lot's MKT over its stay weighs every instant equally and, at each instant, each
location holding part of the lot by the share of the lot held there: a reading's weight
is its covered seconds times that share, so

    T_K = (ΔH/R) / −ln( Σ_l Σ_i q_l/Q · Δt_i · e^(−(ΔH/R)/T_i) / Σ_l Σ_i q_l/Q · Δt_i )

over the stay cut where any quantity changes, with q_l the quantity at location l and
Q the lot's quantity on hand across locations during the cut. A lot at one location at a
time (the usual case) gets its location's time-weighted MKT; a lot split 30/10 between
a cold room and a cool one counts the cool room's temperatures at a quarter.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

from lotledger.traceability.domain.errors import BelowAbsoluteZero, NoCoverage
from lotledger.traceability.domain.instants import require_aware, require_window
from lotledger.traceability.domain.residence import Interval

ACTIVATION_K = 10_000.0
KELVIN_OFFSET = 273.15


@dataclass(frozen=True)
class TemperatureReading:
    at: datetime
    temperature_c: float

    def __post_init__(self) -> None:
        require_aware(self.at, "at")


@dataclass(frozen=True)
class Weighted:
    """A temperature and its weight (seconds of coverage; only ratios matter)."""

    temperature_c: float
    weight: float


@dataclass(frozen=True)
class StaySegment:
    """Part of a lot's stay: `[start, end)` at one location, with that location's
    readings (any superset of those holding during the segment, including the latest
    one before `start`) and the share of the lot held there meanwhile."""

    start: datetime
    end: datetime
    readings: Sequence[TemperatureReading]
    share: float = 1.0


def mean_kinetic_temperature(
    samples: Iterable[Weighted], activation_k: float = ACTIVATION_K
) -> float:
    """MKT in °C of weighted temperatures; raises `NoCoverage` when no sample has weight."""
    weighted = [s for s in samples if s.weight > 0]
    if not weighted:
        raise NoCoverage("no temperature carries any weight")
    exponents = [-activation_k / _kelvin(s.temperature_c) for s in weighted]
    top = max(exponents)
    total = math.fsum(s.weight for s in weighted)
    scaled = math.fsum(
        s.weight * math.exp(x - top) for s, x in zip(weighted, exponents, strict=True)
    )
    log_mean = top + math.log(scaled / total)
    return -activation_k / log_mean - KELVIN_OFFSET


def arithmetic_mean(samples: Iterable[Weighted]) -> float:
    """The weighted arithmetic mean in °C; raises `NoCoverage` when no sample has weight."""
    weighted = [s for s in samples if s.weight > 0]
    if not weighted:
        raise NoCoverage("no temperature carries any weight")
    total = math.fsum(s.weight for s in weighted)
    return math.fsum(s.weight * s.temperature_c for s in weighted) / total


def hold_weights(
    readings: Iterable[TemperatureReading],
    start: datetime,
    end: datetime,
    max_hold: timedelta | None = None,
) -> list[Weighted]:
    """Each reading's covered seconds within `[start, end)` (module docstring)."""
    require_window(start, end)
    ordered = sorted((r for r in readings if math.isfinite(r.temperature_c)), key=lambda r: r.at)
    weights: list[Weighted] = []
    for i, reading in enumerate(ordered):
        hold_end = ordered[i + 1].at if i + 1 < len(ordered) else end
        if max_hold is not None:
            hold_end = min(hold_end, reading.at + max_hold)
        low, high = max(reading.at, start), min(hold_end, end)
        if high > low:
            weights.append(Weighted(reading.temperature_c, (high - low).total_seconds()))
    return weights


def window_mkt(
    readings: Iterable[TemperatureReading],
    start: datetime,
    end: datetime,
    *,
    max_hold: timedelta | None = None,
    activation_k: float = ACTIVATION_K,
) -> float | None:
    """Time-weighted MKT of one location over `[start, end)`, None when nothing is covered."""
    return _mkt_or_none(hold_weights(readings, start, end, max_hold), activation_k)


def stay_mkt(
    segments: Iterable[StaySegment],
    *,
    max_hold: timedelta | None = None,
    activation_k: float = ACTIVATION_K,
) -> float | None:
    """Time-weighted MKT over a lot's whole stay: every segment contributes its location's
    readings clipped to the segment, weighted by its share of the lot (module
    docstring). Splitting a segment in two at any instant leaves the result unchanged.
    None when nothing is covered."""
    weights: list[Weighted] = []
    for segment in segments:
        held = hold_weights(segment.readings, segment.start, segment.end, max_hold)
        weights.extend(Weighted(w.temperature_c, w.weight * segment.share) for w in held)
    return _mkt_or_none(weights, activation_k)


def stay_segments(
    intervals: Iterable[Interval],
    readings: Mapping[str, Sequence[TemperatureReading]],
    until: datetime,
) -> list[StaySegment]:
    """A lot's residence intervals cut wherever any of its quantities changes, as stay
    segments with their locations' readings and shares; open intervals run to `until`
    (now), and intervals starting at or after it are left out. A sweep over the cuts:
    at each, the intervals under way and the lot's total are known."""
    spans = [
        (i.start, min(i.end or until, until), i.location, i.qty)
        for i in intervals
        if i.start < min(i.end or until, until)
    ]
    cuts = sorted({t for start, end, _, _ in spans for t in (start, end)})
    starting: dict[datetime, list[tuple[datetime, str, int]]] = {}
    for start, end, location, qty in spans:
        starting.setdefault(start, []).append((end, location, qty))
    segments: list[StaySegment] = []
    active: list[tuple[datetime, str, int]] = []
    for here, following in pairwise(cuts):
        active = [a for a in active if a[0] > here] + starting.get(here, [])
        total = sum(qty for _, _, qty in active)
        for _, location, qty in active:
            share = qty / total
            segments.append(StaySegment(here, following, readings.get(location, ()), share))
    return segments


def _mkt_or_none(weights: list[Weighted], activation_k: float) -> float | None:
    if not weights:
        return None
    return mean_kinetic_temperature(weights, activation_k)


def _kelvin(temperature_c: float) -> float:
    kelvin = temperature_c + KELVIN_OFFSET
    if not kelvin > 0:
        raise BelowAbsoluteZero(
            f"{temperature_c} °C is not above absolute zero", field="temperature_c"
        )
    return kelvin
