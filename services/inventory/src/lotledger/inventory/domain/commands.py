"""Commands: what scanners, QA and ERP systems ask the inventory to do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lotledger.shared.contracts.stock import RecallClass


@dataclass(frozen=True)
class ReceiveStock:
    gtin: str
    lot: str
    expiry: date
    qty: int
    location: str
    supplier: str
    reference: str | None = None
    manufactured: date | None = None


@dataclass(frozen=True)
class PickStock:
    """With `lot` None the allocation is FEFO across `location` (or the whole `warehouse`)."""

    gtin: str
    qty: int
    order_ref: str
    ship_to: str
    lot: str | None = None
    location: str | None = None
    warehouse: str | None = None
    channel: str | None = None
    min_remaining_days: int = 0


@dataclass(frozen=True)
class MoveStock:
    gtin: str
    lot: str
    qty: int
    from_location: str
    to_location: str


@dataclass(frozen=True)
class AdjustStock:
    gtin: str
    lot: str
    location: str
    delta: int
    reason: str


@dataclass(frozen=True)
class CountStock:
    gtin: str
    lot: str
    location: str
    counted_qty: int
    stocktake_id: str | None = None


@dataclass(frozen=True)
class ReturnStock:
    gtin: str
    lot: str
    qty: int
    location: str
    from_party: str
    reason: str


@dataclass(frozen=True)
class DisposeStock:
    gtin: str
    lot: str
    qty: int
    location: str
    reason: str
    witness: str | None = None


@dataclass(frozen=True)
class ReleaseBatch:
    gtin: str
    lot: str
    reason: str | None = None


@dataclass(frozen=True)
class QuarantineBatch:
    gtin: str
    lot: str
    reason: str | None = None


@dataclass(frozen=True)
class RejectBatch:
    gtin: str
    lot: str
    reason: str | None = None


@dataclass(frozen=True)
class RecallBatch:
    gtin: str
    lot: str
    recall_id: str
    recall_class: RecallClass
    reason: str


StockCommand = (
    ReceiveStock | PickStock | MoveStock | AdjustStock | CountStock | ReturnStock | DisposeStock
)
StatusCommand = ReleaseBatch | QuarantineBatch | RejectBatch | RecallBatch
Command = StockCommand | StatusCommand
