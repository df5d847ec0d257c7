"""Turning decided events into hash-chained CloudEvents (the published contract)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import uuid4

from lotledger.inventory.domain.workspace import Pending
from lotledger.shared.contracts.stock import TYPE_OF, StockEvent
from lotledger.shared.envelope import CloudEvent
from lotledger.shared.hashing import chain_hash
from lotledger.shared.identifiers import warehouse_of


@dataclass(frozen=True)
class Metadata:
    """Who did it, with what device, as part of which request."""

    actor: str
    device: str | None
    correlation_id: str | None
    causation_id: str | None
    now: datetime


def source_of(event: StockEvent) -> str:
    location = getattr(event, "location", None) or getattr(event, "from_location", None)
    return f"/inventory/{warehouse_of(location)}" if location else "/inventory"


def envelope(pending: Pending, prev_hash: str, meta: Metadata) -> CloudEvent:
    event = pending.event
    unsigned = CloudEvent(
        id=uuid4(),
        source=source_of(event),
        type=TYPE_OF[type(event)],
        subject=pending.batch_id,
        time=meta.now,
        data=event.as_data(),
        streamversion=pending.version,
        actor=meta.actor,
        device=meta.device,
        correlationid=meta.correlation_id,
        causationid=meta.causation_id,
        prevhash=prev_hash,
    )
    return unsigned.model_copy(update={"hash": chain_hash(prev_hash, unsigned.to_dict())})
