"""The excursion detector (DESIGN §8). One location has one climate: the readings of
every sensor there form one series per metric, fed in time order to the pure `step`.

- Each reading is judged against the range in force at its own time (`ClimateRanges`)
  and holds, for its sensor, until that sensor's next reading or its retirement.
- The location is out of range of a kind (too warm, too cold, too humid, too dry) while
  any sensor's held reading is out of range of that kind: an excursion of that kind
  starts at the reading that first makes it so and ends at the first reading (or
  retirement) after which no sensor holds such a value. Its end time is that event's
  time; duration = end − start. Kinds are independent, so a location can be too warm by
  one sensor and too cold by another at once; a sensor going from too high straight to
  too low ends one kind and starts the other at the same instant.
- `limit` is the bound breached by the reading that started it, even if the location's
  range changes while it is open; `peak` is the most extreme out-of-range value of that
  kind across sensors (the max for high, the min for low); `readings` counts those
  out-of-range readings; `sensors` names every sensor that read out of range during it,
  `sensor` the one whose reading started it; `first_recorded_at` is the earliest time one
  of those readings reached lotledger.
- A grace period: an excursion is confirmed ("started" is emitted) once it has lasted at
  least the grace minutes: at once with grace 0, otherwise at the first event at least
  `grace` after the start, or on its end if it had lasted that long by then. One that
  ends sooner is a blip and emits nothing. "updated" is emitted for every further
  out-of-range reading of a confirmed excursion.
- An observation earlier than the last one processed is ignored (the service recomputes
  the affected window from stored readings instead, see `service/climate.py`), and so are
  a sensor's reading at the very instant of the one it holds (a duplicate) and a
  non-finite value (a faulty sensor's NaN or infinity): they neither start nor end one.

An excursion's id is a UUIDv5 of its location, kind and start, so detecting it again
from the same readings, in a replay or a recomputation, yields the same id. The state
round-trips through JSON (`to_json` / `from_json`), so a projector can persist it per
(location, metric) between batches.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from lotledger.shared.contracts.excursions import ExcursionKind
from lotledger.traceability.domain.excursion import Excursion, excursion_id
from lotledger.traceability.domain.instants import require_aware
from lotledger.traceability.domain.limits import Limits, kinds_of, worse
from lotledger.traceability.domain.series import Held, Observation, Open, SeriesState

LimitsAt = Callable[[datetime], Limits]


class Phase(StrEnum):
    STARTED = "started"
    UPDATED = "updated"
    ENDED = "ended"


@dataclass(frozen=True)
class Change:
    phase: Phase
    excursion: Excursion


def step(
    state: SeriesState, obs: Observation, limits_at: LimitsAt, grace_minutes: float = 0.0
) -> tuple[SeriesState, list[Change]]:
    """The state after `obs` and the changes it causes (module docstring)."""
    run = _Run(state, limits_at, grace_minutes)
    changes = run.step(obs)
    return (run.state() if run.moved else state), changes


def detect(
    state: SeriesState,
    observations: Iterable[Observation],
    limits_at: LimitsAt,
    grace_minutes: float = 0.0,
) -> tuple[SeriesState, list[Excursion]]:
    """Feed `observations` in the order given; the confirmed excursions they touched, in
    start order, each as last known (an open one without `ended_at`)."""
    run = _Run(state, limits_at, grace_minutes)
    latest: dict[str, Excursion] = {}
    for obs in observations:
        for change in run.step(obs):
            latest[change.excursion.excursion_id] = change.excursion
    final = run.state() if run.moved else state
    return final, sorted(latest.values(), key=lambda e: (e.started_at, e.kind.value))


class _Run:
    """`step` over many observations without rebuilding the state at each: the held
    readings and open excursions are mutated here and frozen once at the end, and how
    many held readings breach each kind is counted as they change."""

    def __init__(self, state: SeriesState, limits_at: LimitsAt, grace_minutes: float) -> None:
        self.location, self.metric = state.location, state.metric
        self.last_at = state.last_at
        self.held = dict(state.held)
        self.open = dict(state.open)
        self.limits_at = limits_at
        self.grace = timedelta(minutes=grace_minutes)
        self.kinds = kinds_of(state.metric)
        self.breaching = dict.fromkeys(self.kinds, 0)
        for h in self.held.values():
            if h.kind is not None:
                self.breaching[h.kind] += 1
        self.moved = False

    def state(self) -> SeriesState:
        return SeriesState(self.location, self.metric, self.last_at, self.held, self.open)

    def step(self, obs: Observation) -> list[Change]:
        require_aware(obs.at, "at")
        seen = self.held.get(obs.sensor)
        if (
            (self.last_at is not None and obs.at < self.last_at)
            or (seen is not None and seen.at == obs.at)
            or (obs.value is not None and not math.isfinite(obs.value))
        ):
            return []
        self.moved = True
        if seen is not None and seen.kind is not None:
            self.breaching[seen.kind] -= 1
        kind = limit = None
        if obs.value is None:
            self.held.pop(obs.sensor, None)
        else:
            breach = self.limits_at(obs.at).breach(obs.value)
            if breach is not None:
                kind, limit = breach.kind, breach.limit
                self.breaching[kind] += 1
            self.held[obs.sensor] = Held(obs.at, obs.value, kind, limit)
        if self.last_at is None or obs.at > self.last_at:
            self.last_at = obs.at
        changes: list[Change] = []
        for k in self.kinds:
            if not self.breaching[k] and k in self.open:
                changes.extend(_close(self.open.pop(k), obs.at, self.grace))
        for k in self.kinds:
            if self.breaching[k]:
                changes.extend(self._still_out(k, kind, limit, obs))
        return changes

    def _still_out(
        self, k: ExcursionKind, kind: ExcursionKind | None, limit: float | None, obs: Observation
    ) -> list[Change]:
        current = self.open.get(k)
        if current is None:
            assert obs.value is not None
            assert limit is not None
            current = Open(_opened(self.location, k, limit, obs))
        elif kind is k and obs.value is not None:
            current = Open(_worsened(current.excursion, obs, obs.value), current.confirmed)
        changes: list[Change] = []
        if current.confirmed and kind is k:
            changes.append(Change(Phase.UPDATED, current.excursion))
        elif not current.confirmed and obs.at - current.excursion.started_at >= self.grace:
            current = Open(current.excursion, True)
            changes.append(Change(Phase.STARTED, current.excursion))
        self.open[k] = current
        return changes


def _opened(location: str, kind: ExcursionKind, limit: float, obs: Observation) -> Excursion:
    assert obs.value is not None
    return Excursion(
        excursion_id=excursion_id(location, kind, obs.at),
        location=location,
        sensor=obs.sensor,
        kind=kind,
        limit=limit,
        started_at=obs.at,
        peak=obs.value,
        readings=1,
        sensors=(obs.sensor,),
        first_recorded_at=obs.recorded_at,
    )


def _worsened(x: Excursion, obs: Observation, value: float) -> Excursion:
    first = x.first_recorded_at
    if obs.recorded_at is not None and (first is None or obs.recorded_at < first):
        first = obs.recorded_at
    return replace(
        x,
        peak=worse(x.kind, x.peak, value),
        readings=x.readings + 1,
        sensors=tuple(sorted({*x.sensors, obs.sensor})),
        first_recorded_at=first,
    )


def _close(current: Open, at: datetime, grace: timedelta) -> list[Change]:
    ended = Change(Phase.ENDED, replace(current.excursion, ended_at=at))
    if current.confirmed:
        return [ended]
    if at - current.excursion.started_at >= grace:
        return [Change(Phase.STARTED, current.excursion), ended]
    return []
