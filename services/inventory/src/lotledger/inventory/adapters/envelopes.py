"""Turning decided events into hash-chained CloudEvents (the published contract).

Serialised once: `data` with sorted keys (also the bytes of the `data` column), inside
the canonical envelope (sorted keys, no `prevhash`/`hash`: verify/chain.py) that is
hashed; the payload stored in the outbox, which Kafka carries, is those canonical bytes
with `prevhash` and `hash` appended. Any reader re-hashing the parsed event gets the same
hash, since the canonical form of the parsed payload is the bytes hashed.

`time` is when the thing happened (`data.at`: the device's scanned time, or the server's
when none was sent); `recordedtime` is when the server recorded it (docs/adr/0012).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import orjson

from lotledger.inventory.domain.workspace import Pending
from lotledger.shared.contracts.stock import TYPE_OF, StockEvent
from lotledger.shared.envelope import format_time
from lotledger.shared.identifiers import warehouse_of
from lotledger.shared.uuids import uuid4
from lotledger.verify.chain import hash_canonical


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
    data_json: str
    """`data` serialised (sorted keys), for the `data` column."""
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
    data_json = orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
    body: dict[str, Any] = {
        "specversion": "1.0",
        "id": str(event_id),
        "source": source_of(event),
        "type": TYPE_OF[type(event)],
        "subject": pending.batch_id,
        "time": format_time(event.at),
        "datacontenttype": "application/json",
        "data": orjson.Fragment(data_json),
        "streamversion": pending.version,
        "actor": meta.actor,
        "recordedtime": format_time(meta.now),
    }
    for name, value in (
        ("device", meta.device),
        ("correlationid", meta.correlation_id),
        ("causationid", meta.causation_id),
    ):
        if value is not None:
            body[name] = value
    canonical = orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
    digest = hash_canonical(prev_hash, canonical)
    raw = b'%s,"prevhash":"%s","hash":"%s"}' % (
        canonical[:-1],
        prev_hash.encode("ascii"),
        digest.encode("ascii"),
    )
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
        raw=raw,
        data_json=data_json.decode(),
        traceparent=meta.traceparent,
    )
