"""Response bodies of serial scans (docs/adr/0016-serials.md)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from lotledger.inventory.entrypoints.api.views import EventRef


class PackView(BaseModel):
    gtin: str
    serial: str
    lot: str | None = None


class ContainerReceiptView(BaseModel):
    sscc: str
    received: int
    lots: dict[str, int] = Field(description="packs received per batch id")
    missing: list[PackView]
    extra: list[PackView]
    events: list[EventRef]


class PickView(BaseModel):
    qty: int
    lots: dict[str, int]
    events: list[EventRef]


class VerdictView(BaseModel):
    gtin: str
    serial: str
    verified: bool
    reason: str | None = Field(
        description="why not: unknown_serial, not_shipped, not_shipped_to_party, "
        "decommissioned, lot_mismatch or expiry_mismatch (the DataMatrix's lot or expiry is "
        "not the pack's)"
    )


class VerifiedReturnView(BaseModel):
    verdicts: list[VerdictView]
    accepted: int
    held: int
    events: list[EventRef]
    suspect: list[str] = Field(
        description="ids of the suspect-return records holding the refused packs, each the "
        "subject of its suspect_product alert (one per at most 1,000 packs)"
    )


class CaptureView(BaseModel):
    capture_id: str
    packs: int
    containers: int
    lots: dict[str, int]


class SerialView(BaseModel):
    gtin: str
    serial: str
    lot: str
    expiry: date
    state: str
    location: str | None
    party: str | None
    reason: str | None
    container: str | None
    history: list[dict[str, object]]
