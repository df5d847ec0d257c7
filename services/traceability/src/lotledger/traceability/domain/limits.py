"""What a location allows: the range of each climate metric in force at each instant.

A reading is in range when `low <= value <= high` (the bounds themselves are allowed); a
bound of None is not checked. A location's ranges come from its catalog record: every
range it has had (`Location.ranges`, each in force from its `since` until the next one's;
the first also judges everything before it), or, in a record written before ranges were
kept, its one current range. Where a range sets no humidity bound at all, the humidity
default applies (35–75 % RH unless configured, per storage class overridable), so a
location registered without humidity bounds is still judged.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from lotledger.shared.contracts.catalog import Location, StorageClass
from lotledger.shared.contracts.excursions import ExcursionKind
from lotledger.shared.contracts.telemetry import Reading


class Metric(StrEnum):
    TEMPERATURE = "temperature"
    HUMIDITY = "humidity"


_HIGH = {
    Metric.TEMPERATURE: ExcursionKind.TEMPERATURE_HIGH,
    Metric.HUMIDITY: ExcursionKind.HUMIDITY_HIGH,
}
_LOW = {
    Metric.TEMPERATURE: ExcursionKind.TEMPERATURE_LOW,
    Metric.HUMIDITY: ExcursionKind.HUMIDITY_LOW,
}
METRIC_OF: dict[ExcursionKind, Metric] = {
    kind: m for table in (_HIGH, _LOW) for m, kind in table.items()
}
HIGH_KINDS = frozenset(_HIGH.values())


def kinds_of(metric: Metric) -> tuple[ExcursionKind, ExcursionKind]:
    """The metric's kinds, high first."""
    return _HIGH[metric], _LOW[metric]


@dataclass(frozen=True)
class Breach:
    kind: ExcursionKind
    limit: float


@dataclass(frozen=True)
class Limits:
    metric: Metric
    low: float | None = None
    high: float | None = None

    @classmethod
    def of(cls, location: Location, metric: Metric) -> Limits:
        """The location's current range as its record sets it (no default applied)."""
        if metric is Metric.TEMPERATURE:
            return cls(metric, location.temp_min_c, location.temp_max_c)
        return cls(metric, location.humidity_min_pct, location.humidity_max_pct)

    def breach(self, value: float) -> Breach | None:
        """The bound `value` lies beyond, or None when it is in range."""
        if self.high is not None and value > self.high:
            return Breach(_HIGH[self.metric], self.high)
        if self.low is not None and value < self.low:
            return Breach(_LOW[self.metric], self.low)
        return None


@dataclass(frozen=True)
class HumidityDefault:
    """The humidity range applied where a location sets no humidity bound."""

    low: float = 35.0
    high: float = 75.0
    by_class: Mapping[StorageClass, tuple[float, float]] = field(default_factory=dict)

    def for_class(self, storage_class: StorageClass) -> tuple[float, float]:
        return self.by_class.get(storage_class, (self.low, self.high))


@dataclass(frozen=True)
class Range:
    """Bounds in force from `since` (None: from the beginning)."""

    since: datetime | None
    temp_min_c: float
    temp_max_c: float
    humidity_min_pct: float | None
    humidity_max_pct: float | None

    def limits(self, metric: Metric) -> Limits:
        if metric is Metric.TEMPERATURE:
            return Limits(metric, self.temp_min_c, self.temp_max_c)
        return Limits(metric, self.humidity_min_pct, self.humidity_max_pct)


@dataclass(frozen=True)
class ClimateRanges:
    """A location's ranges in force over time, oldest first, humidity defaults applied.
    Of ranges sharing one `since`, the last one given is in force."""

    ranges: tuple[Range, ...]

    @classmethod
    def of(cls, location: Location, humidity: HumidityDefault | None = None) -> ClimateRanges:
        default = (humidity or HumidityDefault()).for_class(location.storage_class)
        raw: list[tuple[datetime | None, float, float, float | None, float | None]] = [
            (r.since, r.temp_min_c, r.temp_max_c, r.humidity_min_pct, r.humidity_max_pct)
            for r in location.ranges
        ] or [
            (
                None,
                location.temp_min_c,
                location.temp_max_c,
                location.humidity_min_pct,
                location.humidity_max_pct,
            )
        ]
        ranges = []
        for i, (since, t_low, t_high, h_low, h_high) in enumerate(raw):
            if h_low is None and h_high is None:
                h_low, h_high = default
            ranges.append(Range(None if i == 0 else since, t_low, t_high, h_low, h_high))
        return cls(tuple(ranges))

    def in_force(self, at: datetime) -> Range:
        starts = [r.since for r in self.ranges[1:] if r.since is not None]
        return self.ranges[bisect_right(starts, at)] if starts else self.ranges[0]

    def limits(self, metric: Metric, at: datetime) -> Limits:
        return self.in_force(at).limits(metric)

    def first_difference(self, other: ClimateRanges) -> tuple[bool, datetime | None]:
        """Whether `other` judges any instant differently, and the earliest such instant
        (None: from the beginning)."""
        if self == other:
            return False, None
        instants = sorted({r.since for r in (*self.ranges, *other.ranges) if r.since})
        if self.ranges[0] != other.ranges[0]:
            return True, None
        for at in instants:
            if self.in_force(at) != other.in_force(at):
                return True, at
        return False, None


@dataclass(frozen=True)
class Sample:
    """One metric's value from one reading (°C or % relative humidity)."""

    at: datetime
    value: float


def sample_of(reading: Reading, metric: Metric) -> Sample | None:
    value = reading.temperature_c if metric is Metric.TEMPERATURE else reading.humidity_pct
    return None if value is None else Sample(reading.at, value)


def worse(kind: ExcursionKind, peak: float, value: float) -> float:
    """The more extreme of two out-of-range values: the max for high, the min for low."""
    return max(peak, value) if kind in HIGH_KINDS else min(peak, value)
