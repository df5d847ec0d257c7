"""Request bodies. Each maps to one domain command; unknown members are refused, strings
are bounded, and free text is limited to codes and opaque ids (no personal data)."""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from lotledger.inventory.domain import commands as c
from lotledger.inventory.entrypoints.api.barcode import MAX_BARCODE, parse_barcode
from lotledger.shared.calendar import CalendarDate
from lotledger.shared.contracts.stock import RecallClass
from lotledger.shared.identifiers import (
    ActorRef,
    Gtin,
    LocationId,
    Lot,
    PartyId,
    Quantity,
    ReasonCode,
    Reference,
    WarehouseId,
    check_lot,
    normalize_gtin,
)


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Receipt(Body):
    """Either the batch fields (`gtin`, `lot`, `expiry`) or a GS1 `barcode` carrying them."""

    gtin: Gtin | None = None
    lot: Lot | None = None
    expiry: CalendarDate | None = None
    manufactured: CalendarDate | None = None
    barcode: Annotated[str, Field(min_length=1, max_length=MAX_BARCODE)] | None = None
    qty: Quantity
    location: LocationId
    supplier: PartyId
    reference: Reference | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Self:
        fields = (self.gtin, self.lot, self.expiry)
        if self.barcode is None and None in fields:
            raise ValueError("give gtin, lot and expiry, or a barcode")
        if self.barcode is not None and any(f is not None for f in (*fields, self.manufactured)):
            raise ValueError("give either a barcode or gtin/lot/expiry, not both")
        return self

    def command(self) -> c.ReceiveStock:
        if self.barcode is not None:
            scanned = parse_barcode(self.barcode)
            try:
                gtin, lot = normalize_gtin(scanned.gtin), check_lot(scanned.lot)
            except ValueError as exc:
                from lotledger.inventory.entrypoints.api.barcode import InvalidBarcode

                raise InvalidBarcode(f"barcode: {exc}", field="barcode") from exc
            return c.ReceiveStock(
                gtin,
                lot,
                scanned.expiry,
                self.qty,
                self.location,
                self.supplier,
                self.reference,
                scanned.manufactured,
            )
        assert self.gtin is not None
        assert self.lot is not None
        assert self.expiry is not None
        return c.ReceiveStock(
            self.gtin,
            self.lot,
            self.expiry,
            self.qty,
            self.location,
            self.supplier,
            self.reference,
            self.manufactured,
        )


class Pick(Body):
    """Without `lot`, FEFO allocates across `location`, or across the `warehouse`."""

    gtin: Gtin
    lot: Lot | None = None
    qty: Quantity
    location: LocationId | None = None
    warehouse: WarehouseId | None = None
    order_ref: Reference
    ship_to: PartyId
    channel: ReasonCode | None = None
    min_remaining_days: Annotated[int, Field(ge=0, le=3650)] = 0

    def command(self, default_warehouse: str | None = None) -> c.PickStock:
        return c.PickStock(
            self.gtin,
            self.qty,
            self.order_ref,
            self.ship_to,
            lot=self.lot,
            location=self.location,
            warehouse=self.warehouse or default_warehouse,
            channel=self.channel,
            min_remaining_days=self.min_remaining_days,
        )


class Move(Body):
    gtin: Gtin
    lot: Lot
    qty: Quantity
    from_location: LocationId
    to_location: LocationId

    def command(self) -> c.MoveStock:
        return c.MoveStock(self.gtin, self.lot, self.qty, self.from_location, self.to_location)


class Adjustment(Body):
    gtin: Gtin
    lot: Lot
    location: LocationId
    delta: Annotated[int, Field(ge=-(10**9), le=10**9, strict=True)]
    reason: ReasonCode

    @model_validator(mode="after")
    def _non_zero(self) -> Self:
        if self.delta == 0:
            raise ValueError("delta must not be zero")
        return self

    def command(self) -> c.AdjustStock:
        return c.AdjustStock(self.gtin, self.lot, self.location, self.delta, self.reason)


class Count(Body):
    gtin: Gtin
    lot: Lot
    location: LocationId
    counted_qty: Annotated[int, Field(ge=0, le=10**9, strict=True)]

    def command(self) -> c.CountStock:
        return c.CountStock(self.gtin, self.lot, self.location, self.counted_qty)


class Return(Body):
    gtin: Gtin
    lot: Lot
    qty: Quantity
    location: LocationId
    from_party: PartyId
    reason: ReasonCode

    def command(self) -> c.ReturnStock:
        return c.ReturnStock(
            self.gtin, self.lot, self.qty, self.location, self.from_party, self.reason
        )


class Disposal(Body):
    gtin: Gtin
    lot: Lot
    qty: Quantity
    location: LocationId
    reason: ReasonCode
    witness: ActorRef | None = None

    def command(self) -> c.DisposeStock:
        return c.DisposeStock(
            self.gtin, self.lot, self.qty, self.location, self.reason, self.witness
        )


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
        return c.ReleaseBatch(self.gtin, self.lot, self.reason)


class Quarantine(BatchRef, StatusChange):
    def command(self) -> c.StatusCommand:
        return c.QuarantineBatch(self.gtin, self.lot, self.reason)


class Reject(BatchRef, StatusChange):
    def command(self) -> c.StatusCommand:
        return c.RejectBatch(self.gtin, self.lot, self.reason)


class RecallOf(BatchRef, Recall):
    def command(self) -> c.StatusCommand:
        return c.RecallBatch(self.gtin, self.lot, self.recall_id, self.recall_class, self.reason)


def status_command(op: str, gtin: str, lot: str, body: StatusChange | Recall) -> c.StatusCommand:
    if isinstance(body, Recall):
        return c.RecallBatch(gtin, lot, body.recall_id, body.recall_class, body.reason)
    kind: dict[str, type[c.ReleaseBatch | c.QuarantineBatch | c.RejectBatch]] = {
        "release": c.ReleaseBatch,
        "quarantine": c.QuarantineBatch,
        "reject": c.RejectBatch,
    }
    return kind[op](gtin, lot, body.reason)
