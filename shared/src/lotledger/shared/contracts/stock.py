"""Stock events, topic `lotledger.stock.v1`, key and subject = batch id `{gtin}/{lot}`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import AwareDatetime, Field

from lotledger.shared.contracts.common import Payload
from lotledger.shared.contracts.money import cost_field, currency_field


class BatchStatus(StrEnum):
    AVAILABLE = "available"
    QUARANTINED = "quarantined"
    REJECTED = "rejected"
    RECALLED = "recalled"


class HoldingStatus(StrEnum):
    """The status of stock at one location (docs/adr/0011-holdings.md). Only `available`
    holdings of an available batch are saleable; the others are segregated until QA
    releases (to available) or rejects them. `rejected` stock can only be disposed of or
    returned to the supplier."""

    AVAILABLE = "available"
    PENDING_INSPECTION = "pending_inspection"
    RETURNED = "returned"
    HELD = "held"
    REJECTED = "rejected"


def _holding_status() -> Any:
    return Field(
        default=None,
        description="the holding the quantity is in or taken from (absent: available)",
    )


def _serial() -> Any:
    return Field(default=None, description="the AI (21) serial scanned with the barcode")


SERIALS_PER_EVENT = 1_000
"""At most this many serials on one event: a pallet is appended in chunks
(docs/adr/0016-serials.md)."""


def _serials() -> Any:
    return Field(
        default=None,
        max_length=SERIALS_PER_EVENT,
        description="the serialised packs (AI 21) the quantity is made of: qty == len(serials)",
    )


class Packing(Payload):
    """One container (SSCC, AI 00) and what of the event is directly inside it."""

    parent: str = Field(description="the container's SSCC (18 digits)")
    serials: list[str] = Field(default_factory=list, description="packs of this event")
    containers: list[str] = Field(default_factory=list, description="SSCCs inside it")


def _aggregation() -> Any:
    return Field(
        default=None,
        description="the containers the event's packs travel in (SSCC → packs, SSCC → "
        "SSCCs), as the supplier's EPCIS aggregation announced them",
    )


class RecallClass(StrEnum):
    I = "I"  # noqa: E741
    II = "II"
    III = "III"


class StockEvent(Payload):
    gtin: str
    lot: str
    at: AwareDatetime = Field(
        description="when it happened: the device's scanned_at, else when the server "
        "recorded it (the envelope's `recordedtime`)"
    )


class Received(StockEvent):
    location: str
    qty: int
    expiry: date
    manufactured: date | None = None
    supplier: str
    reference: str | None = None
    status: BatchStatus
    holding_status: HoldingStatus | None = _holding_status()
    serial: str | None = _serial()
    unit_cost: Decimal | None = cost_field("what one base unit of this receipt cost")
    currency: str | None = currency_field("ISO 4217 code of unit_cost; present with it")
    serials: list[str] | None = _serials()
    aggregation: list[Packing] | None = _aggregation()


class Released(StockEvent):
    reason: str | None = None
    by: str


class Quarantined(StockEvent):
    reason: str | None = None
    by: str


class Rejected(StockEvent):
    reason: str | None = None
    by: str


class Picked(StockEvent):
    location: str
    qty: int
    order_ref: str
    ship_to: str
    channel: str | None = None
    fefo_deviation: bool = False
    holding_status: HoldingStatus | None = _holding_status()
    serial: str | None = _serial()
    serials: list[str] | None = _serials()
    aggregation: list[Packing] | None = _aggregation()


class Moved(StockEvent):
    qty: int
    from_location: str
    to_location: str
    holding_status: HoldingStatus | None = _holding_status()
    serial: str | None = _serial()
    serials: list[str] | None = _serials()


class Adjusted(StockEvent):
    location: str
    delta: int
    reason: str
    holding_status: HoldingStatus | None = _holding_status()
    sync_conflict: str | None = Field(
        default=None, description="the sync conflict this adjustment resolves"
    )


class Counted(StockEvent):
    location: str
    counted_qty: int
    expected_qty: int
    variance: int
    stocktake_id: str | None = None
    holding_status: HoldingStatus | None = _holding_status()
    moved_since: int | None = Field(
        default=None,
        description="the net quantity moved between the count (`at`) and its posting: "
        "expected_qty is the on-hand at the count, the variance leaves later moves in place",
    )


class Returned(StockEvent):
    location: str
    qty: int
    from_party: str = Field(alias="from")
    reason: str
    status: BatchStatus
    holding_status: HoldingStatus | None = Field(
        default=None,
        description="the holding the goods land in (`returned`, assessed on their own); "
        "absent on returns recorded before holdings, which set the batch status",
    )
    serial: str | None = _serial()
    serials: list[str] | None = _serials()
    override_reason: str | None = Field(
        default=None,
        description="set when QA accepted the return beyond what was shipped to the party",
    )
    override_by: str | None = None


class Disposed(StockEvent):
    location: str
    qty: int
    reason: str
    witness: str | None = None
    holding_status: HoldingStatus | None = _holding_status()
    serials: list[str] | None = _serials()


class HoldingChanged(StockEvent):
    """QA's decision about the stock of one holding (an incoming inspection, a return's
    assessment, a damaged-goods hold): `qty` moves from one holding status to another at
    the same location. The batch's own status is unchanged."""

    location: str
    qty: int
    from_status: HoldingStatus
    to_status: HoldingStatus
    reason: str | None = None
    by: str


class Recalled(StockEvent):
    recall_id: str
    recall_class: RecallClass = Field(alias="class")
    reason: str
    by: str


EVENT_TYPES: dict[str, type[StockEvent]] = {
    "lotledger.stock.received.v1": Received,
    "lotledger.stock.released.v1": Released,
    "lotledger.stock.quarantined.v1": Quarantined,
    "lotledger.stock.rejected.v1": Rejected,
    "lotledger.stock.picked.v1": Picked,
    "lotledger.stock.moved.v1": Moved,
    "lotledger.stock.adjusted.v1": Adjusted,
    "lotledger.stock.counted.v1": Counted,
    "lotledger.stock.returned.v1": Returned,
    "lotledger.stock.disposed.v1": Disposed,
    "lotledger.stock.recalled.v1": Recalled,
    "lotledger.stock.holding_changed.v1": HoldingChanged,
}
TYPE_OF: dict[type[StockEvent], str] = {cls: name for name, cls in EVENT_TYPES.items()}
