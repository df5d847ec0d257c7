"""Finding a lot: a scanned GS1 barcode (parsed with biip) or a GTIN and a lot typed in."""

from __future__ import annotations

from dataclasses import dataclass

import biip
from biip.gs1_messages import GS1Message

from lotledger.console.domain.errors import BadForm
from lotledger.shared.identifiers import check_lot, normalize_gtin

MAX_BARCODE = 200


@dataclass(frozen=True)
class LotRef:
    gtin: str
    lot: str


def lot_ref(gtin: str, lot: str) -> LotRef:
    """A GTIN (8-14 digits, check digit verified, as 14) and a lot of the GS1 AI 82 set."""
    try:
        normalized = normalize_gtin(gtin)
    except ValueError as exc:
        raise BadForm(str(exc), "gtin") from exc
    try:
        check_lot(lot)
    except ValueError as exc:
        raise BadForm(str(exc), "lot") from exc
    return LotRef(normalized, lot)


def from_barcode(value: str) -> LotRef:
    """AI (01) and (10) of an element string (FNC1 as GS, with or without a symbology
    identifier) or its human-readable form `(01)…(10)…`."""
    value = value.strip()
    if not value or len(value) > MAX_BARCODE:
        raise BadForm(f"a barcode is 1-{MAX_BARCODE} characters", "barcode")
    try:
        if value.startswith("("):
            message = GS1Message.parse_hri(value)
        else:
            result = biip.parse(value)
            if result.gs1_message is None:
                raise BadForm("not a GS1 barcode: it holds no GS1 element string", "barcode")
            message = result.gs1_message
    except biip.ParseError as exc:
        raise BadForm(f"not a GS1 barcode: {exc}", "barcode") from exc
    found = {element.ai.ai: element.value for element in message.element_strings}
    missing = [ai for ai in ("01", "10") if ai not in found]
    if missing:
        names = " and ".join(f"({ai})" for ai in missing)
        raise BadForm(f"the barcode has no {names}: a lot needs its GTIN and lot", "barcode")
    try:
        return lot_ref(found["01"], found["10"])
    except BadForm as exc:
        raise BadForm(f"the barcode's {exc.field}: {exc.detail}", "barcode") from exc
