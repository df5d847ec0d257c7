"""Climate excursions detected by traceability, topic `lotledger.excursions.v1`,
key = location id.

One location has one climate: an excursion is detected per (location, kind) over the
readings of every sensor there, and `sensors` names those that read out of range
(`sensor` is the one whose reading started it). Its id is a UUIDv5 of the location, kind
and start time, so a replay of the same readings yields the same ids. Only the start
(once confirmed past the grace period) and the end are published; a late reading that
changes what happened publishes again (a new end, a start reopening it) or withdraws an
excursion another one now covers. `detected_late` marks an excursion whose first
out-of-range reading reached lotledger long after it started (a logger's buffer).
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import AwareDatetime, Field

from lotledger.shared.contracts.common import Payload


class ExcursionKind(StrEnum):
    TEMPERATURE_HIGH = "temperature_high"
    TEMPERATURE_LOW = "temperature_low"
    HUMIDITY_HIGH = "humidity_high"
    HUMIDITY_LOW = "humidity_low"


class ExposedLot(Payload):
    gtin: str
    lot: str
    qty: int
    exposure_minutes: float | None = None


class ExcursionStarted(Payload):
    excursion_id: str
    location: str
    sensor: str
    kind: ExcursionKind
    limit: float
    started_at: AwareDatetime
    peak: float
    readings: int
    exposed_lots: list[ExposedLot] = []
    sensors: list[str] = []
    detected_late: bool = False
    reopened_after: AwareDatetime | None = Field(
        default=None,
        description="set when late readings show an excursion published as ended at this "
        "time to be under way still; a start without it never reopens an ended one",
    )


class ExcursionEnded(Payload):
    excursion_id: str
    location: str
    sensor: str
    kind: ExcursionKind
    limit: float
    started_at: AwareDatetime
    ended_at: AwareDatetime
    peak: float
    duration_minutes: float
    readings: int
    exposed_lots: list[ExposedLot] = []
    sensors: list[str] = []
    detected_late: bool = False


class ExcursionWithdrawn(Payload):
    """An excursion published before that late readings showed to be part of another
    (`superseded_by`, which is published too) or not to have happened."""

    excursion_id: str
    location: str
    kind: ExcursionKind
    started_at: AwareDatetime
    superseded_by: str | None = None


STARTED = "lotledger.excursion.started.v1"
ENDED = "lotledger.excursion.ended.v1"
WITHDRAWN = "lotledger.excursion.withdrawn.v1"

EVENT_TYPES: dict[str, type[Payload]] = {
    STARTED: ExcursionStarted,
    ENDED: ExcursionEnded,
    WITHDRAWN: ExcursionWithdrawn,
}
