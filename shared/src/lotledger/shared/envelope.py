"""The CloudEvents 1.0 envelope carried on every lotledger topic (structured JSON mode).

Extension attributes (lowercase, per the CloudEvents naming rule): `streamversion`,
`actor`, `device`, `correlationid`, `causationid`, `recordedtime`, `prevhash`, `hash`.
`time` is when the occurrence happened (a stock event's `data.at`, the device's scanned
time when it sent one); `recordedtime` when the server recorded it (absent on events
recorded before it existed: there the two are one). Times are always
UTC with microseconds, `2026-11-24T09:15:00.000000Z`, so that the canonical form used by
the hash chain is byte-for-byte reproducible by any consumer.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Literal
from uuid import UUID

import orjson
from pydantic import BaseModel, ConfigDict, Field, field_serializer, field_validator

TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


@lru_cache(maxsize=4096)
def format_time(value: datetime) -> str:
    """`TIME_FORMAT` in UTC (`isoformat` is the faster way to the same text from year
    1000 on). Every event carries two, mostly the same few instants (a request's
    `recordedtime`, the scanned times of a device's batch): cached by instant."""
    instant = value.astimezone(UTC)
    if instant.year < 1000:
        return instant.strftime(TIME_FORMAT)
    return instant.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def event_id_of(value: bytes | None) -> str | None:
    """The CloudEvent id in a Kafka record's value; None for a value that is not a JSON
    object with one (a foreign or broken record, which readers skip rather than stop on)."""
    if not value:
        return None
    try:
        event = orjson.loads(value)
    except orjson.JSONDecodeError:
        return None
    found = event.get("id") if isinstance(event, dict) else None
    return str(found) if found else None


class CloudEvent(BaseModel):
    model_config = ConfigDict(frozen=True, extra="allow")

    specversion: Literal["1.0"] = "1.0"
    id: UUID
    source: str = Field(min_length=1)
    type: str = Field(min_length=1)
    subject: str | None = None
    time: datetime
    datacontenttype: Literal["application/json"] = "application/json"
    data: dict[str, Any]
    streamversion: int | None = None
    actor: str | None = None
    device: str | None = None
    correlationid: str | None = None
    causationid: str | None = None
    recordedtime: datetime | None = None
    prevhash: str | None = None
    hash: str | None = None

    @field_validator("time", "recordedtime")
    @classmethod
    def _aware_utc(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("times must carry a UTC offset")
        return value.astimezone(UTC)

    @field_serializer("time", "recordedtime")
    def _time(self, value: datetime | None) -> str | None:
        return None if value is None else format_time(value)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)

    def to_json(self) -> bytes:
        return orjson.dumps(self.to_dict())

    @classmethod
    def from_json(cls, raw: bytes | str) -> CloudEvent:
        return cls.model_validate(orjson.loads(raw))
