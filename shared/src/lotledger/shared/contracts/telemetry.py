"""Sensor readings, topic `lotledger.telemetry.v1`, key = sensor id."""

from __future__ import annotations

from pydantic import AwareDatetime

from lotledger.shared.contracts.common import Payload

READING = "lotledger.telemetry.reading.v1"


class Reading(Payload):
    sensor: str
    location: str
    at: AwareDatetime
    temperature_c: float | None = None
    humidity_pct: float | None = None


EVENT_TYPES: dict[str, type[Payload]] = {READING: Reading}
