"""GS1 barcode payloads → receipt fields, parsed with biip (a maintained GS1 library).

Accepted: element strings with FNC1 as ASCII 29 (GS), with or without a symbology
identifier (`]d2`, `]C1`, `]Q3`), and the human-readable form `(01)…(17)…(10)…`.
AI (17) day `00` means the last day of that month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import biip
from biip.gs1_messages import GS1Message

from lotledger.shared.errors import DomainError

MAX_BARCODE = 200


class InvalidBarcode(DomainError):
    pass


@dataclass(frozen=True)
class ScannedBatch:
    gtin: str
    lot: str
    expiry: date
    manufactured: date | None
    serial: str | None


def parse_barcode(value: str) -> ScannedBatch:
    if not value or len(value) > MAX_BARCODE:
        raise InvalidBarcode(f"barcode must be 1-{MAX_BARCODE} characters", field="barcode")
    try:
        message = GS1Message.parse_hri(value) if value.startswith("(") else _message(value)
    except biip.ParseError as exc:
        raise InvalidBarcode(f"not a GS1 element string: {exc}", field="barcode") from exc
    found = {element.ai.ai: element for element in message.element_strings}
    missing = [ai for ai in ("01", "17", "10") if ai not in found]
    if missing:
        names = ", ".join(f"({ai})" for ai in missing)
        raise InvalidBarcode(
            f"barcode lacks AI {names}; GTIN, expiry and lot are required", field="barcode"
        )
    expiry = found["17"].date
    if expiry is None:
        raise InvalidBarcode("AI (17) is not a valid date", field="barcode")
    production = found.get("11")
    serial = found.get("21")
    return ScannedBatch(
        gtin=found["01"].value,
        lot=found["10"].value,
        expiry=expiry,
        manufactured=production.date if production is not None else None,
        serial=serial.value if serial is not None else None,
    )


def _message(value: str) -> GS1Message:
    result = biip.parse(value)
    if result.gs1_message is None:
        raise InvalidBarcode(
            f"not a GS1 element string: {result.gs1_message_error or 'unrecognised'}",
            field="barcode",
        )
    return result.gs1_message
