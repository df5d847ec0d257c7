"""Request and response bodies of serial scans (docs/adr/0016-serials.md). A pack is named
by `{gtin, serial}` or by its GS1 DataMatrix (`barcode`: AI 01 + 21 + 10 + 17); a
container by its SSCC (AI 00, 18 digits)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from lotledger.inventory.domain.serial_ids import Pack, valid_sscc
from lotledger.inventory.entrypoints.api.barcode import InvalidBarcode
from lotledger.inventory.entrypoints.api.schemas import Barcode, scan
from lotledger.shared.identifiers import (
    Gtin,
    LocationId,
    PartyId,
    ReasonCode,
    Reference,
)

MAX_PACKS = 10_000


def _sscc(value: str) -> str:
    if not valid_sscc(value):
        raise ValueError("an SSCC is 18 digits with a valid GS1 check digit")
    return value


Sscc = Annotated[
    str,
    Field(min_length=18, max_length=18, examples=["106141411234567897"]),
    AfterValidator(_sscc),
]
Serial = Annotated[str, Field(min_length=1, max_length=20, pattern=r"^[!-~]{1,20}$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PackRef(Strict):
    gtin: Gtin | None = None
    serial: Serial | None = None
    barcode: Barcode | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Self:
        named = self.gtin is not None and self.serial is not None
        if named == (self.barcode is not None):
            raise ValueError("give gtin and serial, or a barcode (01 + 21 + 10 + 17)")
        return self

    def pack(self) -> Pack:
        if self.barcode is None:
            assert self.gtin is not None
            assert self.serial is not None
            return Pack(self.gtin, self.serial)
        scanned = scan(self.barcode)
        if scanned.serial is None:
            raise InvalidBarcode("the barcode carries no AI (21) serial", field="barcode")
        return Pack(scanned.gtin, scanned.serial)

    def scanned(self) -> tuple[str, date] | None:
        """The lot and expiry the DataMatrix carries (None without a barcode)."""
        if self.barcode is None:
            return None
        scanned = scan(self.barcode)
        return scanned.lot, scanned.expiry


Packs = Annotated[list[PackRef], Field(max_length=MAX_PACKS)]


def packs_of(refs: list[PackRef]) -> list[Pack]:
    return [ref.pack() for ref in refs]


def scanned_of(refs: list[PackRef]) -> dict[Pack, tuple[str, date]]:
    return {ref.pack(): claim for ref in refs if (claim := ref.scanned()) is not None}


class ContainerReceipt(Strict):
    """Receives every announced pack under `sscc`. With `scanned`, only the packs found:
    announced ones not scanned are `missing`, scanned ones not announced `extra`."""

    sscc: Sscc
    location: LocationId
    supplier: PartyId
    reference: Reference | None = None
    scanned: Packs | None = None


class SerialPick(Strict):
    """Ships the packs named and every pack in the containers named; the quantity is
    their number."""

    serials: Packs = Field(default_factory=list)
    containers: Annotated[list[Sscc], Field(max_length=100)] = Field(default_factory=list)
    location: LocationId
    order_ref: Reference
    ship_to: PartyId
    channel: ReasonCode | None = None

    @model_validator(mode="after")
    def _something(self) -> Self:
        if not self.serials and not self.containers:
            raise ValueError("name packs (serials) or containers")
        return self


class SerialMove(Strict):
    """Moves the packs named and the containers named, with everything in them."""

    serials: Packs = Field(default_factory=list)
    containers: Annotated[list[Sscc], Field(max_length=100)] = Field(default_factory=list)
    from_location: LocationId
    to_location: LocationId

    @model_validator(mode="after")
    def _something(self) -> Self:
        if not self.serials and not self.containers:
            raise ValueError("name packs (serials) or containers")
        return self


class VerifiedReturn(Strict):
    packs: Annotated[list[PackRef], Field(min_length=1, max_length=MAX_PACKS)]
    location: LocationId
    from_party: PartyId
    reason: ReasonCode


class Decommission(Strict):
    """Packs leave the supply chain for good: `reason` destroyed, dispensed, stolen,
    sample, exported…"""

    serials: Annotated[list[PackRef], Field(min_length=1, max_length=MAX_PACKS)]
    location: LocationId
    reason: ReasonCode
