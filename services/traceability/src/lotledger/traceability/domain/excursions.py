"""The excursion detector (DESIGN §8): a state machine per (location, sensor, metric),
fed that key's samples in time order by the pure function `step`.

- An out-of-range sample opens a candidate excursion of its kind; its start is that
  sample's time. It is confirmed ("started" is emitted) once it has lasted at least the
  grace period: at once with grace 0, otherwise at the first sample at least `grace`
  after the start, or on its end if it had lasted that long by then.
- It ends at the first sample back in range, or at a sample out of range the other way
  (too high straight to too low), which at the same instant starts the opposite kind.
  The end time is that sample's time; duration = end − start.
- A candidate that ends before the grace period has passed is a blip: nothing is emitted.
- Peak is the max of a high excursion and the min of a low one; `readings` counts the
  out-of-range samples from its start up to, not including, the sample that ends it.
  "updated" is emitted for every further out-of-range sample of a confirmed excursion
  (its count, maybe its peak, changed); a publisher may forward only starts and ends.
- A sample not later than the last one processed for the key is ignored: duplicates and
  replays change nothing, and a late sample cannot rewrite a closed excursion. So is a
  non-finite value (a faulty sensor's NaN or infinity): it neither starts nor ends one.
- The limit recorded is the one breached at the start, even if the location's range
  changes while the excursion is open.

An excursion's id is a UUIDv5 of its key and start time, so a replay from offset zero
yields the same ids. The state is a frozen dataclass that round-trips through JSON
(`to_json` / `from_json`), so a projector can persist it per key between messages.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from lotledger.shared.contracts.excursions import ExcursionKind
from lotledger.shared.envelope import format_time
from lotledger.traceability.domain.instants import minutes, require_aware
from lotledger.traceability.domain.limits import Breach, Limits, Metric, Sample, worse

EXCURSION_NAMESPACE = uuid5(NAMESPACE_URL, "urn:lotledger:excursion")
StateKey = tuple[str, str, Metric]
"""(location, sensor, metric): the key of one detector state."""


def excursion_id(location: str, sensor: str, metric: Metric, started_at: datetime) -> str:
    name = "\x1f".join((location, sensor, metric.value, format_time(started_at)))
    return str(uuid5(EXCURSION_NAMESPACE, name))


@dataclass(frozen=True)
class Excursion:
    excursion_id: str
    location: str
    sensor: str
    kind: ExcursionKind
    limit: float
    started_at: datetime
    peak: float
    readings: int
    ended_at: datetime | None = None

    @property
    def duration_minutes(self) -> float | None:
        return None if self.ended_at is None else minutes(self.started_at, self.ended_at)


class Phase(StrEnum):
    STARTED = "started"
    UPDATED = "updated"
    ENDED = "ended"


@dataclass(frozen=True)
class Change:
    phase: Phase
    excursion: Excursion


@dataclass(frozen=True)
class DetectorState:
    """`current` is the open excursion, confirmed or still a candidate within grace."""

    location: str
    sensor: str
    metric: Metric
    last_at: datetime | None = None
    current: Excursion | None = None
    confirmed: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "location": self.location,
            "sensor": self.sensor,
            "metric": self.metric.value,
            "last_at": _time_or_none(self.last_at),
            "confirmed": self.confirmed,
            "current": None if self.current is None else _excursion_json(self.current),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DetectorState:
        current = data["current"]
        return cls(
            location=data["location"],
            sensor=data["sensor"],
            metric=Metric(data["metric"]),
            last_at=_parse_or_none(data["last_at"]),
            confirmed=bool(data["confirmed"]),
            current=None if current is None else _excursion_from_json(current),
        )


def step(
    state: DetectorState, sample: Sample, limits: Limits, grace_minutes: float = 0.0
) -> tuple[DetectorState, list[Change]]:
    """The state after `sample` and the changes it causes (module docstring)."""
    require_aware(sample.at, "at")
    stale = state.last_at is not None and sample.at <= state.last_at
    if stale or not math.isfinite(sample.value):
        return state, []
    grace = timedelta(minutes=grace_minutes)
    breach = limits.breach(sample.value)
    changes: list[Change] = []
    current, confirmed = state.current, state.confirmed
    if current is not None and (breach is None or breach.kind is not current.kind):
        changes.extend(_close(current, confirmed, sample.at, grace))
        current, confirmed = None, False
    if breach is not None:
        if current is None:
            current = _opened(state, breach, sample)
        peak = worse(current.kind, current.peak, sample.value)
        current = replace(current, peak=peak, readings=current.readings + 1)
        if confirmed:
            changes.append(Change(Phase.UPDATED, current))
        elif sample.at - current.started_at >= grace:
            confirmed = True
            changes.append(Change(Phase.STARTED, current))
    new_state = replace(state, last_at=sample.at, current=current, confirmed=confirmed)
    return new_state, changes


def detect(
    state: DetectorState, samples: Iterable[Sample], limits: Limits, grace_minutes: float = 0.0
) -> tuple[DetectorState, list[Excursion]]:
    """Feed `samples` in the order given; the confirmed excursions in start order, each as
    last known (the open one without `ended_at`)."""
    latest: dict[str, Excursion] = {}
    for sample in samples:
        state, changes = step(state, sample, limits, grace_minutes)
        for change in changes:
            latest[change.excursion.excursion_id] = change.excursion
    return state, sorted(latest.values(), key=lambda e: e.started_at)


def _opened(state: DetectorState, breach: Breach, sample: Sample) -> Excursion:
    return Excursion(
        excursion_id=excursion_id(state.location, state.sensor, state.metric, sample.at),
        location=state.location,
        sensor=state.sensor,
        kind=breach.kind,
        limit=breach.limit,
        started_at=sample.at,
        peak=sample.value,
        readings=0,
    )


def _close(current: Excursion, confirmed: bool, at: datetime, grace: timedelta) -> list[Change]:
    ended = Change(Phase.ENDED, replace(current, ended_at=at))
    if confirmed:
        return [ended]
    if at - current.started_at >= grace:
        return [Change(Phase.STARTED, current), ended]
    return []


def _time_or_none(value: datetime | None) -> str | None:
    return None if value is None else format_time(value)


def _parse_or_none(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _excursion_json(e: Excursion) -> dict[str, Any]:
    return {
        "excursion_id": e.excursion_id,
        "location": e.location,
        "sensor": e.sensor,
        "kind": e.kind.value,
        "limit": e.limit,
        "started_at": format_time(e.started_at),
        "peak": e.peak,
        "readings": e.readings,
        "ended_at": _time_or_none(e.ended_at),
    }


def _excursion_from_json(data: dict[str, Any]) -> Excursion:
    return Excursion(
        excursion_id=data["excursion_id"],
        location=data["location"],
        sensor=data["sensor"],
        kind=ExcursionKind(data["kind"]),
        limit=float(data["limit"]),
        started_at=datetime.fromisoformat(data["started_at"]),
        peak=float(data["peak"]),
        readings=int(data["readings"]),
        ended_at=_parse_or_none(data["ended_at"]),
    )
