"""Excursion detection over a fetched batch of readings, in memory.

Readings are fed to the domain detector per (location, sensor, metric) in the order
given (a sensor's readings share a partition, so that is the order it sent them),
judged against the location's ranges from the catalog copy. Readings of a location the
copy does not know yet are left out; the projection feeds them once it learns the
location. The result is each touched key's new state, the latest form of every confirmed
excursion it touched, and the starts and ends to publish, each with the time of the
reading that caused it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from lotledger.shared.contracts.catalog import Location
from lotledger.shared.contracts.telemetry import Reading
from lotledger.traceability.domain.excursions import (
    Change,
    DetectorState,
    Excursion,
    Phase,
    StateKey,
    step,
)
from lotledger.traceability.domain.limits import Limits, Metric, sample_of


@dataclass(frozen=True)
class Emitted:
    change: Change
    at: datetime


@dataclass
class ClimateBatch:
    states: dict[StateKey, DetectorState]
    grace_minutes: float = 0.0
    touched: set[StateKey] = field(default_factory=set)
    excursions: dict[str, tuple[Metric, Excursion]] = field(default_factory=dict)
    emitted: list[Emitted] = field(default_factory=list)

    def feed(self, readings: Iterable[Reading], locations: Mapping[str, Location]) -> None:
        for reading in readings:
            location = locations.get(reading.location)
            if location is None:
                continue
            for metric in Metric:
                sample = sample_of(reading, metric)
                if sample is None:
                    continue
                key = (reading.location, reading.sensor, metric)
                state = self.states.get(key) or DetectorState(*key)
                limits = Limits.of(location, metric)
                state, changes = step(state, sample, limits, self.grace_minutes)
                self.states[key] = state
                self.touched.add(key)
                for change in changes:
                    self.excursions[change.excursion.excursion_id] = (metric, change.excursion)
                    if change.phase is not Phase.UPDATED:
                        self.emitted.append(Emitted(change, sample.at))


def state_keys(readings: Iterable[Reading], known: Iterable[str]) -> set[StateKey]:
    """The detector keys `readings` touch at the `known` locations."""
    locations = set(known)
    return {
        (r.location, r.sensor, m)
        for r in readings
        if r.location in locations
        for m in Metric
        if sample_of(r, m) is not None
    }
