"""Stock events, topic `lotledger.stock.v1`, key and subject = batch id `{gtin}/{lot}`."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import AwareDatetime, Field

from lotledger.shared.contracts.common import Payload


class BatchStatus(StrEnum):
    AVAILABLE = "available"
    QUARANTINED = "quarantined"
    REJECTED = "rejected"
    RECALLED = "recalled"


class RecallClass(StrEnum):
    I = "I"  # noqa: E741
    II = "II"
    III = "III"


class StockEvent(Payload):
    gtin: str
    lot: str
    at: AwareDatetime


class Received(StockEvent):
    location: str
    qty: int
    expiry: date
    manufactured: date | None = None
    supplier: str
    reference: str | None = None
    status: BatchStatus


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


class Moved(StockEvent):
    qty: int
    from_location: str
    to_location: str


class Adjusted(StockEvent):
    location: str
    delta: int
    reason: str


class Counted(StockEvent):
    location: str
    counted_qty: int
    expected_qty: int
    variance: int
    stocktake_id: str | None = None


class Returned(StockEvent):
    location: str
    qty: int
    from_party: str = Field(alias="from")
    reason: str
    status: BatchStatus


class Disposed(StockEvent):
    location: str
    qty: int
    reason: str
    witness: str | None = None


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
}
TYPE_OF: dict[type[StockEvent], str] = {cls: name for name, cls in EVENT_TYPES.items()}
