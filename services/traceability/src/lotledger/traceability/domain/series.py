"""One location's climate series of one metric as the detector carries it between
batches: each sensor's held reading and the verdict it got when taken, the excursions
under way, and the last instant seen. Round-trips through JSON, so a projector can
persist it per (location, metric)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lotledger.shared.contracts.excursions import ExcursionKind
from lotledger.shared.envelope import format_time
from lotledger.traceability.domain.excursion import (
    Excursion,
    excursion_from_json,
    excursion_json,
    parse_or_none,
    time_or_none,
)
from lotledger.traceability.domain.limits import Metric

SeriesKey = tuple[str, Metric]
"""(location, metric): the key of one climate series and its detector state."""


@dataclass(frozen=True)
class Observation:
    """One sensor's value of one metric at `at`; a `value` of None is the sensor's
    retirement at `at` (its last reading stops holding)."""

    at: datetime
    sensor: str
    value: float | None
    recorded_at: datetime | None = None


@dataclass(frozen=True)
class Held:
    """A sensor's latest reading and the kind it breached when taken (None: in range)."""

    at: datetime
    value: float
    kind: ExcursionKind | None = None
    limit: float | None = None


@dataclass(frozen=True)
class Open:
    """An excursion under way, confirmed or still a candidate within grace."""

    excursion: Excursion
    confirmed: bool = False


@dataclass(frozen=True)
class SeriesState:
    location: str
    metric: Metric
    last_at: datetime | None = None
    held: Mapping[str, Held] = field(default_factory=dict)
    open: Mapping[ExcursionKind, Open] = field(default_factory=dict)

    @property
    def key(self) -> SeriesKey:
        return (self.location, self.metric)

    def confirmed(self) -> list[Excursion]:
        return [o.excursion for o in self.open.values() if o.confirmed]

    def to_json(self) -> dict[str, Any]:
        return {
            "location": self.location,
            "metric": self.metric.value,
            "last_at": time_or_none(self.last_at),
            "held": {
                s: [format_time(h.at), h.value, h.kind and h.kind.value, h.limit]
                for s, h in sorted(self.held.items())
            },
            "open": {
                k.value: {"confirmed": o.confirmed, **excursion_json(o.excursion)}
                for k, o in sorted(self.open.items())
            },
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SeriesState:
        held = {
            s: Held(datetime.fromisoformat(at), float(v), kind and ExcursionKind(kind), limit)
            for s, (at, v, kind, limit) in data["held"].items()
        }
        opened = {
            ExcursionKind(k): Open(excursion_from_json(o), bool(o["confirmed"]))
            for k, o in data["open"].items()
        }
        return cls(
            location=data["location"],
            metric=Metric(data["metric"]),
            last_at=parse_or_none(data["last_at"]),
            held=held,
            open=opened,
        )
