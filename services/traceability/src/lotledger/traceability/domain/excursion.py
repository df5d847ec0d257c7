"""An excursion as detected and stored: where, which kind, the bound breached, when it
started and ended, its peak, how many out-of-range readings and from which sensors, and
when the first of them reached lotledger. Its id is a UUIDv5 of location, kind and start,
so detecting it again from the same readings yields the same id."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from lotledger.shared.contracts.excursions import ExcursionKind
from lotledger.shared.envelope import format_time
from lotledger.traceability.domain.instants import minutes

EXCURSION_NAMESPACE = uuid5(NAMESPACE_URL, "urn:lotledger:excursion")


def excursion_id(location: str, kind: ExcursionKind, started_at: datetime) -> str:
    name = "\x1f".join(("location", location, kind.value, format_time(started_at)))
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
    sensors: tuple[str, ...] = ()
    first_recorded_at: datetime | None = None
    detected_late: bool = False
    """Set by whoever knows the rules (`marked`): the detector leaves it False."""

    @property
    def duration_minutes(self) -> float | None:
        return None if self.ended_at is None else minutes(self.started_at, self.ended_at)

    def marked(self, late_after: timedelta) -> Excursion:
        """This excursion with `detected_late` set: whether the first of its out-of-range
        readings reached lotledger more than `late_after` past its start (a logger's
        buffer uploaded after the fact)."""
        first = self.first_recorded_at
        late = first is not None and first - self.started_at > late_after
        return self if late == self.detected_late else replace(self, detected_late=late)


def excursion_json(e: Excursion) -> dict[str, Any]:
    return {
        "excursion_id": e.excursion_id,
        "location": e.location,
        "sensor": e.sensor,
        "kind": e.kind.value,
        "limit": e.limit,
        "started_at": format_time(e.started_at),
        "peak": e.peak,
        "readings": e.readings,
        "ended_at": time_or_none(e.ended_at),
        "sensors": list(e.sensors),
        "first_recorded_at": time_or_none(e.first_recorded_at),
    }


def excursion_from_json(data: dict[str, Any]) -> Excursion:
    return Excursion(
        excursion_id=data["excursion_id"],
        location=data["location"],
        sensor=data["sensor"],
        kind=ExcursionKind(data["kind"]),
        limit=float(data["limit"]),
        started_at=datetime.fromisoformat(data["started_at"]),
        peak=float(data["peak"]),
        readings=int(data["readings"]),
        ended_at=parse_or_none(data["ended_at"]),
        sensors=tuple(data["sensors"]),
        first_recorded_at=parse_or_none(data["first_recorded_at"]),
    )


def time_or_none(value: datetime | None) -> str | None:
    return None if value is None else format_time(value)


def parse_or_none(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)
