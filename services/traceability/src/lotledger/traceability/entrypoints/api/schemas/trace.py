"""A lot's trace, recall report and chain verification."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from lotledger.shared.contracts.stock import BatchStatus
from lotledger.traceability.entrypoints.api.schemas.lots import BalanceView
from lotledger.traceability.entrypoints.api.schemas.packs import PackCountsView


class Origin(BaseModel):
    """A receipt from a supplier, or a return from a consignee (`kind`)."""

    kind: str
    party: str
    qty: int
    at: datetime
    location: str
    reference: str | None
    version: int


class Destination(BaseModel):
    consignee: str
    qty: int
    at: datetime
    order_ref: str
    channel: str | None
    location: str
    version: int


class Step(BaseModel):
    """One stock event: what happened (`type`: received, moved, picked…), where, by whom."""

    version: int
    event_id: str
    type: str
    at: datetime = Field(description="when it happened (the event's `at`)")
    recorded_at: datetime = Field(
        description="when inventory recorded it (the envelope's `recordedtime`; later than "
        "`at` for an offline scan synced late)"
    )
    actor: str | None
    device: str | None
    location: str | None = None
    from_location: str | None = None
    to_location: str | None = None
    qty: int | None = None
    details: dict[str, Any] = Field(description="the event's other data members")
    hash: str | None


class Trace(BaseModel):
    gtin: str
    lot: str
    expiry: date | None
    status: BatchStatus | None
    origin: list[Origin]
    path: list[Step] = Field(
        description="every step in the order things happened (`at`, then stream version)"
    )
    destinations: list[Destination]
    packs: PackCountsView | None = Field(
        default=None, description="serialised lots: the packs counted from the lot's events"
    )


class ShipmentLine(BaseModel):
    qty: int
    at: datetime
    order_ref: str
    location: str


class ReturnLine(BaseModel):
    qty: int
    at: datetime
    location: str


class ConsigneeExposure(BaseModel):
    party: str
    shipped: int
    returned: int
    outstanding: int = Field(description="shipped − returned: still at the consignee")
    first_shipped_at: datetime
    last_shipped_at: datetime
    shipments: list[ShipmentLine]
    returns: list[ReturnLine]
    serials: list[str] | None = Field(
        default=None,
        description="serialised lots: the packs shipped to the consignee and not returned",
    )


class RecallNotice(BaseModel):
    recall_id: str
    recall_class: str
    reason: str
    at: datetime
    by: str


class RecallReport(BaseModel):
    gtin: str
    lot: str
    expiry: date | None
    status: BatchStatus | None
    recalls: list[RecallNotice]
    consignees: list[ConsigneeExposure]
    shipped_total: int
    outstanding_total: int
    on_hand: list[BalanceView]
    on_hand_total: int
    generated_at: datetime


class CheckpointComparison(BaseModel):
    """This copy against the latest signed checkpoint that logged the lot."""

    checkpoint_id: int
    logged_version: int
    logged_hash: str
    matches: bool | None
    reason: str | None = None


class Verification(BaseModel):
    gtin: str
    lot: str
    ok: bool
    events: int
    checked: int = Field(description="events verified before the first break (all when ok)")
    broken_version: int | None = None
    broken_event_id: str | None = None
    reason: str | None = None
    head_hash: str | None = None
    checkpoint: CheckpointComparison | None = None
