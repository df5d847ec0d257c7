"""Response bodies, built from domain state and stored events (never from table rows)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

from lotledger.inventory.adapters.batch_rows import held_to_json
from lotledger.inventory.adapters.envelopes import SignedEvent
from lotledger.inventory.domain.batch import BatchState
from lotledger.inventory.entrypoints.api.log_views import LogVerdictView
from lotledger.inventory.service.stock import Accepted
from lotledger.shared.contracts.stock import BatchStatus, HoldingStatus


class EventRef(BaseModel):
    id: str
    type: str
    batch_id: str
    stream_version: int
    hash: str


class BatchView(BaseModel):
    batch_id: str
    gtin: str
    lot: str
    expiry: date | None
    status: BatchStatus | None
    version: int
    on_hand: dict[str, int] = Field(description="quantity by location; absent means zero")
    total: int
    held: dict[str, dict[HoldingStatus, int]] = Field(
        default_factory=dict,
        description="the part of on_hand not available, by location and holding status "
        "(pending_inspection, returned, held, rejected); the rest is available",
    )


class AllocationView(BaseModel):
    lot: str
    location: str
    qty: int
    fefo_deviation: bool


class CommandResponse(BaseModel):
    events: list[EventRef]
    batches: list[BatchView]
    allocations: list[AllocationView] = Field(
        default_factory=list, description="picks only: what was taken where"
    )


class StoredEventView(BaseModel):
    """A stored event: the CloudEvent envelope exactly as published, hash chain members
    included, so anyone can re-hash it (`lotledger.verify.chain`)."""

    specversion: Literal["1.0"] = "1.0"
    id: str
    type: str
    source: str
    subject: str
    time: str = Field(
        json_schema_extra={"format": "date-time"},
        description="UTC with microseconds, as hashed: 2026-11-24T09:15:00.000000Z",
    )
    datacontenttype: Literal["application/json"] = "application/json"
    streamversion: int
    actor: str
    device: str | None = None
    correlationid: str | None = None
    causationid: str | None = None
    recordedtime: str | None = Field(
        default=None,
        json_schema_extra={"format": "date-time"},
        description="when the server recorded it (`time`: when it happened)",
    )
    prevhash: str
    hash: str
    data: dict[str, Any]


class BatchEventsView(BaseModel):
    batch_id: str
    events: list[StoredEventView]
    chain_valid: bool
    """The stored hashes link and match the stored content."""
    broken_version: int | None = None
    log: LogVerdictView
    """The stored events against the latest signed checkpoint of what was published:
    catches a rewrite that recomputed the stored chain."""


def batch_view(state: BatchState) -> BatchView:
    return BatchView(
        batch_id=state.batch_id,
        gtin=state.gtin,
        lot=state.lot,
        expiry=state.expiry,
        status=state.status,
        version=state.version,
        on_hand=dict(sorted(state.on_hand.items())),
        total=state.total,
        held=held_to_json(state.held),
    )


def event_ref(event: SignedEvent) -> EventRef:
    return EventRef(
        id=str(event.id),
        type=event.type,
        batch_id=event.subject or "",
        stream_version=event.streamversion or 0,
        hash=event.hash or "",
    )


def command_response(accepted: Accepted) -> CommandResponse:
    allocations = [
        AllocationView(
            lot=e.data["lot"],
            location=e.data["location"],
            qty=e.data["qty"],
            fefo_deviation=bool(e.data.get("fefo_deviation", False)),
        )
        for e in accepted.events
        if e.type == "lotledger.stock.picked.v1"
    ]
    return CommandResponse(
        events=[event_ref(e) for e in accepted.events],
        batches=[batch_view(s) for s in accepted.batches],
        allocations=allocations,
    )
