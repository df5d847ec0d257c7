"""Request bodies of stock commands. Each maps to one domain command; unknown members are
refused, strings are bounded, and free text is limited to codes and opaque ids (no
personal data). Every scanner body may carry `scanned_at`, when the device scanned it
(docs/adr/0012); receipts, picks, moves and returns accept a GS1 `barcode` in place of
`gtin`/`lot` (its AI (21) serial is kept on the event, its expiry checked)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, ClassVar, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from lotledger.inventory.domain import commands as c
from lotledger.inventory.entrypoints.api.barcode import MAX_BARCODE, InvalidBarcode, parse_barcode
from lotledger.inventory.entrypoints.api.money import CurrencyCode, UnitCost, currency_field, priced
from lotledger.shared.calendar import CalendarDate
from lotledger.shared.contracts.stock import HoldingStatus
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
from lotledger.shared.instants import Instant

Barcode = Annotated[
    str,
    Field(
        min_length=1,
        max_length=MAX_BARCODE,
        description="a GS1 element string or DataMatrix payload: (01)…(17)…(10)…[(21)…]",
    ),
]
ScannedAt = Annotated[
    Instant | None,
    Field(
        description="when the device scanned it (offline scanners send it); at most "
        "LOTLEDGER_SCAN_TOLERANCE_S ahead of the server's clock, at most "
        "LOTLEDGER_SCAN_HORIZON_DAYS behind it"
    ),
]
Held = Annotated[
    HoldingStatus,
    Field(description="the holding acted on (docs/adr/0011-holdings.md)"),
]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    scanned_at: ScannedAt = None


@dataclass(frozen=True)
class Scanned:
    gtin: str
    lot: str
    expiry: date
    manufactured: date | None
    serial: str | None


def scan(barcode: str) -> Scanned:
    parsed = parse_barcode(barcode)
    try:
        gtin, lot = normalize_gtin(parsed.gtin), check_lot(parsed.lot)
    except ValueError as exc:
        raise InvalidBarcode(f"barcode: {exc}", field="barcode") from exc
    return Scanned(gtin, lot, parsed.expiry, parsed.manufactured, parsed.serial)


class ByBarcode(Body):
    """`gtin` and `lot`, or a `barcode` carrying them."""

    needs_lot: ClassVar[bool] = True
    gtin: Gtin | None = None
    lot: Lot | None = None
    barcode: Barcode | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Self:
        if self.barcode is not None and (self.gtin is not None or self.lot is not None):
            raise ValueError("give either a barcode or gtin/lot, not both")
        if self.barcode is None and (self.gtin is None or (self.needs_lot and self.lot is None)):
            raise ValueError("give gtin and lot, or a barcode")
        return self

    def batch(self) -> tuple[str, str | None, date | None, str | None]:
        """(gtin, lot, the barcode's expiry, its serial)."""
        if self.barcode is None:
            assert self.gtin is not None
            return self.gtin, self.lot, None, None
        scanned = scan(self.barcode)
        return scanned.gtin, scanned.lot, scanned.expiry, scanned.serial

    def named_batch(self) -> tuple[str, str, date | None, str | None]:
        gtin, lot, expiry, serial = self.batch()
        assert lot is not None
        return gtin, lot, expiry, serial


class Receipt(Body):
    """Either the batch fields (`gtin`, `lot`, `expiry`) or a GS1 `barcode` carrying them;
    optionally what one unit cost (`unit_cost` with its `currency`)."""

    gtin: Gtin | None = None
    lot: Lot | None = None
    expiry: CalendarDate | None = None
    manufactured: CalendarDate | None = None
    barcode: Barcode | None = None
    qty: Quantity
    location: LocationId
    supplier: PartyId
    reference: Reference | None = None
    unit_cost: UnitCost | None = None
    currency: CurrencyCode | None = currency_field()
    _priced = field_validator("currency")(priced)

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
            s = scan(self.barcode)
            return c.ReceiveStock(
                s.gtin,
                s.lot,
                s.expiry,
                self.qty,
                self.location,
                self.supplier,
                self.reference,
                s.manufactured,
                s.serial,
                self.scanned_at,
                self.unit_cost,
                self.currency,
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
            scanned_at=self.scanned_at,
            unit_cost=self.unit_cost,
            currency=self.currency,
        )


class Pick(ByBarcode):
    """Without `lot`, FEFO allocates across `location`, or across the `warehouse`. With
    `holding_status: rejected`, rejected stock goes back to its supplier (lot and location
    named)."""

    needs_lot: ClassVar[bool] = False
    qty: Quantity
    location: LocationId | None = None
    warehouse: WarehouseId | None = None
    order_ref: Reference
    ship_to: PartyId
    channel: ReasonCode | None = None
    min_remaining_days: Annotated[int, Field(ge=0, le=3650)] = 0
    holding_status: Literal["available", "rejected"] = Field(
        default="available",
        description="`rejected`: rejected stock going back to its supplier",
    )

    def command(self, default_warehouse: str | None = None) -> c.PickStock:
        gtin, lot, expiry, serial = self.batch()
        return c.PickStock(
            gtin,
            self.qty,
            self.order_ref,
            self.ship_to,
            lot=lot,
            location=self.location,
            warehouse=self.warehouse or default_warehouse,
            channel=self.channel,
            min_remaining_days=self.min_remaining_days,
            holding_status=HoldingStatus(self.holding_status),
            serial=serial,
            barcode_expiry=expiry,
            scanned_at=self.scanned_at,
        )


class Move(ByBarcode):
    qty: Quantity
    from_location: LocationId
    to_location: LocationId
    holding_status: Held = HoldingStatus.AVAILABLE

    def command(self) -> c.MoveStock:
        gtin, lot, expiry, serial = self.named_batch()
        return c.MoveStock(
            gtin,
            lot,
            self.qty,
            self.from_location,
            self.to_location,
            self.holding_status,
            serial,
            expiry,
            self.scanned_at,
        )


class Adjustment(Body):
    gtin: Gtin
    lot: Lot
    location: LocationId
    delta: Annotated[int, Field(ge=-(10**9), le=10**9, strict=True)]
    reason: ReasonCode
    holding_status: Held = HoldingStatus.AVAILABLE

    @model_validator(mode="after")
    def _non_zero(self) -> Self:
        if self.delta == 0:
            raise ValueError("delta must not be zero")
        return self

    def command(self) -> c.AdjustStock:
        return c.AdjustStock(
            self.gtin,
            self.lot,
            self.location,
            self.delta,
            self.reason,
            self.holding_status,
            scanned_at=self.scanned_at,
        )


class Count(Body):
    """`scanned_at` is when it was counted: the variance is judged against the on-hand
    then, so moves between the count and its posting stay."""

    gtin: Gtin
    lot: Lot
    location: LocationId
    counted_qty: Annotated[int, Field(ge=0, le=10**9, strict=True)]
    holding_status: Held = HoldingStatus.AVAILABLE

    def command(self) -> c.CountStock:
        return c.CountStock(
            self.gtin,
            self.lot,
            self.location,
            self.counted_qty,
            holding_status=self.holding_status,
            scanned_at=self.scanned_at,
        )


class Return(ByBarcode):
    """Lands in the `returned` holding at `location`. At most what `from_party` was
    shipped (net of its returns), unless a QA token gives `override_reason`."""

    qty: Quantity
    location: LocationId
    from_party: PartyId
    reason: ReasonCode
    override_reason: ReasonCode | None = None

    def command(self) -> c.ReturnStock:
        gtin, lot, expiry, serial = self.named_batch()
        return c.ReturnStock(
            gtin,
            lot,
            self.qty,
            self.location,
            self.from_party,
            self.reason,
            serial,
            expiry,
            self.override_reason,
            self.scanned_at,
        )


class Disposal(Body):
    gtin: Gtin
    lot: Lot
    qty: Quantity
    location: LocationId
    reason: ReasonCode
    witness: ActorRef | None = None
    holding_status: Held = HoldingStatus.AVAILABLE

    def command(self) -> c.DisposeStock:
        return c.DisposeStock(
            self.gtin,
            self.lot,
            self.qty,
            self.location,
            self.reason,
            self.witness,
            self.holding_status,
            self.scanned_at,
        )
