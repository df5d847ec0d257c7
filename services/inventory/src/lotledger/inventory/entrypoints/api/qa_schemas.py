"""Request bodies of QA decisions: batch-wide status changes and recalls (one lot, a list
of lots, or every lot of a product), and decisions about the stock of one holding
(docs/adr/0011-holdings.md)."""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import ConfigDict, Field, model_validator

from lotledger.inventory.domain import commands as c
from lotledger.inventory.entrypoints.api.schemas import Body
from lotledger.shared.contracts.stock import HoldingStatus, RecallClass
from lotledger.shared.identifiers import Gtin, LocationId, Lot, Quantity, ReasonCode, Reference


class StatusChange(Body):
    reason: ReasonCode | None = None


class Recall(Body):
    recall_id: Reference
    recall_class: RecallClass = Field(alias="class")
    reason: ReasonCode

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class BatchRef(Body):
    gtin: Gtin
    lot: Lot


class Release(BatchRef, StatusChange):
    def command(self) -> c.StatusCommand:
        return c.ReleaseBatch(self.gtin, self.lot, self.reason, self.scanned_at)


class Quarantine(BatchRef, StatusChange):
    def command(self) -> c.StatusCommand:
        return c.QuarantineBatch(self.gtin, self.lot, self.reason, self.scanned_at)


class Reject(BatchRef, StatusChange):
    def command(self) -> c.StatusCommand:
        return c.RejectBatch(self.gtin, self.lot, self.reason, self.scanned_at)


class RecallOf(BatchRef, Recall):
    def command(self) -> c.StatusCommand:
        return c.RecallBatch(
            self.gtin, self.lot, self.recall_id, self.recall_class, self.reason, self.scanned_at
        )


class ProductRecall(Recall):
    """A recall under one `recall_id` of every lot of `gtin`, or of the `lots` listed."""

    gtin: Gtin
    lots: Annotated[list[Lot], Field(min_length=1, max_length=1000)] | None = Field(
        default=None, description="the lots recalled; absent: every lot of the product"
    )

    @model_validator(mode="after")
    def _distinct(self) -> Self:
        if self.lots is not None and len(set(self.lots)) != len(self.lots):
            raise ValueError("lots must be distinct")
        return self

    def command(self, lot: str) -> c.RecallBatch:
        return c.RecallBatch(
            self.gtin, lot, self.recall_id, self.recall_class, self.reason, self.scanned_at
        )


def status_command(op: str, gtin: str, lot: str, body: StatusChange | Recall) -> c.StatusCommand:
    if isinstance(body, Recall):
        return c.RecallBatch(
            gtin, lot, body.recall_id, body.recall_class, body.reason, body.scanned_at
        )
    kind: dict[str, type[c.ReleaseBatch | c.QuarantineBatch | c.RejectBatch]] = {
        "release": c.ReleaseBatch,
        "quarantine": c.QuarantineBatch,
        "reject": c.RejectBatch,
    }
    return kind[op](gtin, lot, body.reason, body.scanned_at)


class Hold(BatchRef):
    """Put `qty` of the available stock at `location` on hold (damaged goods, a doubt)."""

    location: LocationId
    qty: Quantity
    reason: ReasonCode

    def command(self) -> c.HoldStock:
        return c.HoldStock(
            self.gtin, self.lot, self.location, self.qty, self.reason, self.scanned_at
        )


class HoldingDecision(BatchRef):
    """QA's decision about the `from_status` holding at `location`: `qty` of it, or all of
    it when absent."""

    location: LocationId
    from_status: Literal["pending_inspection", "returned", "held", "available"]
    qty: Quantity | None = None
    reason: ReasonCode | None = None


class ReleaseHolding(HoldingDecision):
    def command(self) -> c.ReleaseHolding:
        return c.ReleaseHolding(
            self.gtin,
            self.lot,
            self.location,
            HoldingStatus(self.from_status),
            self.qty,
            self.reason,
            self.scanned_at,
        )


class RejectHolding(HoldingDecision):
    def command(self) -> c.RejectHolding:
        return c.RejectHolding(
            self.gtin,
            self.lot,
            self.location,
            HoldingStatus(self.from_status),
            self.qty,
            self.reason,
            self.scanned_at,
        )
