"""What a location allows: the range of each climate metric, from the catalog `Location`.

A reading is in range when `low <= value <= high` (the bounds themselves are allowed);
a bound of None is not checked, so a location without humidity bounds never has a
humidity excursion.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from lotledger.shared.contracts.catalog import Location
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
