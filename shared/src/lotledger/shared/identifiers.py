"""GS1 identifiers and lotledger ids as validated pydantic types (DESIGN §2)."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints

_LOT_CHARS = re.compile(r"^[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,20}$")
_LOCATION = re.compile(
    r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,31}(/[A-Za-z0-9][A-Za-z0-9_.\-]{0,31}){1,5}$"
)
_WAREHOUSE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,31}$")
_PARTY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,63}$")
LOT_PATTERN = _LOT_CHARS.pattern
LOCATION_SUBRESOURCES = frozenset({"audit", "climate"})
"""What follows a location id in URLs (`/v1/locations/WH1/A/01/audit`): never a segment."""

MAX_QTY = 10**9


def gs1_check_digit(body: str) -> int:
    """GS1 mod-10 check digit for the digits preceding it."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def normalize_gtin(value: object) -> str:
    """A GTIN-8/12/13/14 as 14 digits; raises ValueError on bad length or check digit."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError("GTIN must be a string of digits")
    digits = value.strip()
    if not digits.isascii() or not digits.isdigit():
        raise ValueError("GTIN must contain only digits")
    if len(digits) not in (8, 12, 13, 14):
        raise ValueError("GTIN must have 8, 12, 13 or 14 digits")
    digits = digits.zfill(14)
    if gs1_check_digit(digits[:-1]) != int(digits[-1]):
        raise ValueError("GTIN check digit is wrong")
    return digits


def check_lot(value: str) -> str:
    if not _LOT_CHARS.fullmatch(value):
        raise ValueError("lot must be 1-20 characters of the GS1 AI 82 character set")
    return value


def check_location(value: str) -> str:
    if not _LOCATION.fullmatch(value):
        raise ValueError("location id must be '<warehouse>/<area>[/<bin>...]' of [A-Za-z0-9_.-]")
    if reserved := LOCATION_SUBRESOURCES.intersection(value.split("/")[1:]):
        raise ValueError(f"a location id's segments may not be {sorted(reserved)} (URL names)")
    return value


def check_warehouse(value: str) -> str:
    if not _WAREHOUSE.fullmatch(value):
        raise ValueError("warehouse id must be 1-32 characters of [A-Za-z0-9_.-]")
    return value


def check_party(value: str) -> str:
    """Parties are opaque ids (ideally a GLN), never names, addresses or phone numbers:
    no spaces or '@', and a long run of digits must be a valid 13-digit GLN."""
    if not _PARTY.fullmatch(value):
        raise ValueError("party must be an opaque id (e.g. a GLN) of [A-Za-z0-9_.:-], no spaces")
    digits = value.replace("-", "").replace(".", "")
    if digits.isdigit() and len(digits) >= 10:
        if len(value) != 13 or not value.isdigit():
            raise ValueError("party looks like a phone number; use a GLN or an opaque id")
        if gs1_check_digit(value[:-1]) != int(value[-1]):
            raise ValueError("party looks like a GLN but its check digit is wrong")
    return value


def warehouse_of(location: str) -> str:
    return location.split("/", 1)[0]


def batch_id(gtin: str, lot: str) -> str:
    return f"{gtin}/{lot}"


def split_batch_id(value: str) -> tuple[str, str]:
    gtin, _, lot = value.partition("/")
    return gtin, lot


def _documented(pattern: str, example: str, description: str) -> Any:
    return Field(
        examples=[example], description=description, json_schema_extra={"pattern": pattern}
    )


Gtin = Annotated[
    str,
    BeforeValidator(normalize_gtin),
    _documented(
        r"^(\d{8}|\d{12,14})$", "09506000134352", "GTIN-8/12/13/14 with a valid check digit"
    ),
]
Lot = Annotated[
    str,
    AfterValidator(check_lot),
    _documented(LOT_PATTERN, "LOT-2026A", "GS1 AI (10): 1-20 characters of the AI 82 set"),
]
LocationId = Annotated[
    str,
    AfterValidator(check_location),
    _documented(_LOCATION.pattern, "WH1/COLD-A/03", "warehouse-scoped location id"),
]
WarehouseId = Annotated[
    str, AfterValidator(check_warehouse), _documented(_WAREHOUSE.pattern, "WH1", "warehouse id")
]
PartyId = Annotated[
    str,
    AfterValidator(check_party),
    _documented(
        _PARTY.pattern, "9506000000015", "a GLN or opaque party id; never a name or address"
    ),
]
Quantity = Annotated[int, Field(gt=0, le=MAX_QTY, strict=True)]
PRINTABLE = r"^[^\x00-\x1f\x7f-\x9f]*$"
"""Text without control characters: what a name may hold (and Postgres text can store)."""
ShortText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200, strip_whitespace=True, pattern=PRINTABLE),
]
Reference = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:/#\-]*$")
]
ReasonCode = Annotated[
    str,
    StringConstraints(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_\-]*$"),
    Field(description="a reason code (lowercase slug), never free text", examples=["damaged"]),
]
ActorRef = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:\-]*$"),
    Field(description="an opaque staff or system id, never a name", examples=["emp-1042"]),
]
