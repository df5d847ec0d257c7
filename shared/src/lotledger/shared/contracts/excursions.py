"""Climate excursions detected by traceability, topic `lotledger.excursions.v1`,
key = location id.

An excursion is detected per (location, sensor, metric). Its id is a UUIDv5 of those
and the start time, so a replay of the same readings yields the same ids. Only the start
(once confirmed past the grace period) and the end are published.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import AwareDatetime

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


STARTED = "lotledger.excursion.started.v1"
ENDED = "lotledger.excursion.ended.v1"

EVENT_TYPES: dict[str, type[Payload]] = {STARTED: ExcursionStarted, ENDED: ExcursionEnded}
