"""CSV exports: the recall's consignees and on-hand stock, the stock dashboard's lines.

Every cell that a spreadsheet would read as a formula (starting with =, +, -, @, tab or
carriage return; lots may contain such characters) is prefixed with an apostrophe
(OWASP's CSV-injection rule)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from lotledger.console.domain.lots import RecallReport
from lotledger.console.domain.stock import StockLine, bucket

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
Cell = str | int | float | date | datetime | None

RECALL_HEADER = (
    "recall_id",
    "gtin",
    "lot",
    "expiry",
    "record",
    "consignee_or_location",
    "shipped",
    "returned",
    "outstanding",
    "on_hand",
    "first_shipped_at",
    "last_shipped_at",
)
STOCK_HEADER = (
    "warehouse",
    "location",
    "gtin",
    "product",
    "lot",
    "expiry",
    "expiry_bucket",
    "status",
    "qty",
)


def cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    text = value.isoformat() if isinstance(value, date) else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def recall_rows(recall_id: str, reports: Iterable[RecallReport]) -> list[Sequence[str]]:
    """One row per consignee of each lot (what they got, returned, still hold), then one
    per location still holding the lot."""
    rows: list[Sequence[str]] = [RECALL_HEADER]
    for r in reports:
        head: list[Cell] = [recall_id, r.gtin, r.lot, r.expiry]
        for c in r.consignees:
            values: list[Cell] = [*head, "consignee", c.party, c.shipped, c.returned]
            values += [c.outstanding, None, c.first_shipped_at, c.last_shipped_at]
            rows.append([cell(v) for v in values])
        for b in r.on_hand:
            values = [*head, "on_hand", b.location, None, None, None, b.qty, None, None]
            rows.append([cell(v) for v in values])
    return rows


def stock_rows(
    lines: Iterable[StockLine], names: dict[str, str], today: date
) -> list[Sequence[str]]:
    rows: list[Sequence[str]] = [STOCK_HEADER]
    for line in lines:
        values: list[Cell] = [
            line.warehouse,
            line.location,
            line.gtin,
            names.get(line.gtin, ""),
            line.lot,
            line.expiry,
            bucket(line.expiry, today),
            line.held_as,
            line.qty,
        ]
        rows.append([cell(v) for v in values])
    return rows
