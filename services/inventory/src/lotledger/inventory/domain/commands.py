"""Commands: what scanners, QA and ERP systems ask the inventory to do.

Every scanner command may carry `scanned_at`: when the device scanned it (docs/adr/0012);
without it the command happened when the server records it. A `barcode_expiry` is the
expiry a scanned barcode carried, checked against the batch's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from lotledger.shared.contracts.stock import HoldingStatus, Packing, RecallClass

AVAILABLE = HoldingStatus.AVAILABLE


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
    serial: str | None = None
    scanned_at: datetime | None = None
    unit_cost: Decimal | None = None
    currency: str | None = None
    serials: tuple[str, ...] = ()
    """The serialised packs the quantity is made of (docs/adr/0016-serials.md)."""
    aggregation: tuple[Packing, ...] = ()
    """The containers those packs travel in."""


@dataclass(frozen=True)
class PickStock:
    """With `lot` None the allocation is FEFO across `location` (or the whole `warehouse`).
    From a `rejected` holding (a return to the supplier) the lot and location are named."""

    gtin: str
    qty: int
    order_ref: str
    ship_to: str
    lot: str | None = None
    location: str | None = None
    warehouse: str | None = None
    channel: str | None = None
    min_remaining_days: int = 0
    holding_status: HoldingStatus = AVAILABLE
    serial: str | None = None
    barcode_expiry: date | None = None
    scanned_at: datetime | None = None
    serials: tuple[str, ...] = ()
    """The serialised packs the quantity is made of (docs/adr/0016-serials.md)."""
    aggregation: tuple[Packing, ...] = ()
    """The containers those packs travel in."""


@dataclass(frozen=True)
class MoveStock:
    gtin: str
    lot: str
    qty: int
    from_location: str
    to_location: str
    holding_status: HoldingStatus = AVAILABLE
    serial: str | None = None
    barcode_expiry: date | None = None
    scanned_at: datetime | None = None
    serials: tuple[str, ...] = ()
    """The serialised packs the quantity is made of (docs/adr/0016-serials.md)."""


@dataclass(frozen=True)
class AdjustStock:
    gtin: str
    lot: str
    location: str
    delta: int
    reason: str
    holding_status: HoldingStatus = AVAILABLE
    sync_conflict: str | None = None
    scanned_at: datetime | None = None


@dataclass(frozen=True)
class CountStock:
    """`scanned_at` is when the count was made: the variance is judged against the
    on-hand then, so what moved between the count and its posting stays."""

    gtin: str
    lot: str
    location: str
    counted_qty: int
    stocktake_id: str | None = None
    holding_status: HoldingStatus = AVAILABLE
    scanned_at: datetime | None = None


@dataclass(frozen=True)
class ReturnStock:
    """`override_reason` (QA only) accepts a return beyond what the party was shipped."""

    gtin: str
    lot: str
    qty: int
    location: str
    from_party: str
    reason: str
    serial: str | None = None
    barcode_expiry: date | None = None
    override_reason: str | None = None
    scanned_at: datetime | None = None
    serials: tuple[str, ...] = ()
    """The serialised packs the quantity is made of (docs/adr/0016-serials.md)."""


@dataclass(frozen=True)
class DisposeStock:
    gtin: str
    lot: str
    qty: int
    location: str
    reason: str
    witness: str | None = None
    holding_status: HoldingStatus = AVAILABLE
    scanned_at: datetime | None = None
    serials: tuple[str, ...] = ()
    """The serialised packs the quantity is made of (docs/adr/0016-serials.md)."""


@dataclass(frozen=True)
class HoldStock:
    """Put available stock at a location on hold (damaged goods, a doubt), for QA."""

    gtin: str
    lot: str
    location: str
    qty: int
    reason: str
    scanned_at: datetime | None = None


@dataclass(frozen=True)
class ReleaseHolding:
    """QA accepts held stock (an inspection passed, a return fit for sale): `qty` of it,
    or all of it when None, becomes available."""

    gtin: str
    lot: str
    location: str
    from_status: HoldingStatus
    qty: int | None = None
    reason: str | None = None
    scanned_at: datetime | None = None


@dataclass(frozen=True)
class RejectHolding:
    """QA rejects stock at a location (all of the holding when `qty` is None): it can only
    be disposed of or returned to the supplier."""

    gtin: str
    lot: str
    location: str
    from_status: HoldingStatus
    qty: int | None = None
    reason: str | None = None
    scanned_at: datetime | None = None


@dataclass(frozen=True)
class ReleaseBatch:
    gtin: str
    lot: str
    reason: str | None = None
    scanned_at: datetime | None = None


@dataclass(frozen=True)
class QuarantineBatch:
    gtin: str
    lot: str
    reason: str | None = None
    scanned_at: datetime | None = None


@dataclass(frozen=True)
class RejectBatch:
    gtin: str
    lot: str
    reason: str | None = None
    scanned_at: datetime | None = None


@dataclass(frozen=True)
class RecallBatch:
    gtin: str
    lot: str
    recall_id: str
    recall_class: RecallClass
    reason: str
    scanned_at: datetime | None = None


StockCommand = (
    ReceiveStock | PickStock | MoveStock | AdjustStock | CountStock | ReturnStock | DisposeStock
)
HoldingCommand = HoldStock | ReleaseHolding | RejectHolding
StatusCommand = ReleaseBatch | QuarantineBatch | RejectBatch | RecallBatch
Command = StockCommand | HoldingCommand | StatusCommand
