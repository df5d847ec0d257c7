"""Turning decided events into hash-chained CloudEvents (the published contract).

Built as plain dicts and serialised once: the bytes stored in the outbox are the bytes
Kafka carries, and the hash is over the same members `CloudEvent.to_dict()` yields, so
any reader re-hashing a parsed event gets the same result.

`time` is when the thing happened (`data.at`: the device's scanned time, or the server's
when none was sent); `recordedtime` is when the server recorded it (docs/adr/0012).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

import orjson

from lotledger.inventory.domain.workspace import Pending
from lotledger.shared.contracts.stock import TYPE_OF, StockEvent
from lotledger.shared.envelope import format_time
from lotledger.shared.identifiers import warehouse_of
from lotledger.verify.chain import chain_hash


@dataclass(frozen=True)
class Metadata:
    """Who did it, with what device, as part of which request."""

    actor: str
    device: str | None
    correlation_id: str | None
    causation_id: str | None
    now: datetime
    traceparent: str | None = None
    """The request's trace context, stored next to its events (never in them)."""


@dataclass(frozen=True)
class SignedEvent:
    id: UUID
    type: str
    subject: str
    source: str
    time: datetime
    streamversion: int
    actor: str
    device: str | None
    correlationid: str | None
    causationid: str | None
    recordedtime: datetime
    prevhash: str
    hash: str
    data: dict[str, Any]
    raw: bytes
    traceparent: str | None = None

    def to_json(self) -> bytes:
        return self.raw


def source_of(event: StockEvent) -> str:
    location = getattr(event, "location", None) or getattr(event, "from_location", None)
    return f"/inventory/{warehouse_of(location)}" if location else "/inventory"


def envelope(pending: Pending, prev_hash: str, meta: Metadata) -> SignedEvent:
    event = pending.event
    event_id = uuid4()
    data = event.as_data()
    body: dict[str, Any] = {
        "specversion": "1.0",
        "id": str(event_id),
        "source": source_of(event),
        "type": TYPE_OF[type(event)],
        "subject": pending.batch_id,
        "time": format_time(event.at),
        "datacontenttype": "application/json",
        "data": data,
        "streamversion": pending.version,
        "actor": meta.actor,
    }
    for name, value in (
        ("device", meta.device),
        ("correlationid", meta.correlation_id),
        ("causationid", meta.causation_id),
    ):
        if value is not None:
            body[name] = value
    body["recordedtime"] = format_time(meta.now)
    body["prevhash"] = prev_hash
    body["hash"] = digest = chain_hash(prev_hash, body)
    return SignedEvent(
        id=event_id,
        type=body["type"],
        subject=pending.batch_id,
        source=body["source"],
        time=event.at,
        streamversion=pending.version,
        actor=meta.actor,
        device=meta.device,
        correlationid=meta.correlation_id,
        causationid=meta.causation_id,
        recordedtime=meta.now,
        prevhash=prev_hash,
        hash=digest,
        data=data,
        raw=orjson.dumps(body),
        traceparent=meta.traceparent,
    )
