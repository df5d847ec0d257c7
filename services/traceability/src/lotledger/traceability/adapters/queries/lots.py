"""Lots, balances and parties. `warehouses=None` means every warehouse; otherwise only
rows in (for lots: ever in) one of the given warehouses are returned."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from lotledger.shared.contracts.stock import TYPE_OF, Recalled
from lotledger.shared.db import Driver, Row
from lotledger.traceability.adapters.queries.session import Filters
from lotledger.traceability.adapters.rows import ReceiptRow, ShipmentRow

RECALLED = TYPE_OF[Recalled]
_RECALLED_UNDER = (
    "(l.gtin, l.lot) IN (SELECT h.gtin, h.lot FROM history h "  # noqa: S608 (constant)
    f"WHERE h.type = '{RECALLED}' AND h.data ->> 'recall_id' = {{}})"
)
"""The event type is written out, not bound: the partial index `history_recall_ids` holds
only `recalled` events, and a bound type would hide that from the planner."""


@dataclass(frozen=True)
class LotFilter:
    gtin: str | None = None
    status: str | None = None
    expiring_before: date | None = None
    location: str | None = None
    in_stock: bool | None = None
    recall_id: str | None = None
    warehouses: Sequence[str] | None = None


@dataclass(frozen=True)
class LotRecord:
    """A `lots` row as the views pass it on: the lot-wide figures of its projection."""

    gtin: str
    lot: str
    expiry: date | None
    manufactured: date | None
    status: str | None
    version: int
    head_hash: str | None
    first_at: datetime
    last_at: datetime
    received: int
    shipped: int
    disposed: int
    returned: int
    adjustments: int
    count_variances: int
    on_hand: int
    warehouses: list[str]

    @classmethod
    def from_row(cls, row: Row) -> LotRecord:
        return cls(
            gtin=row["gtin"],
            lot=row["lot"],
            expiry=row["expiry"],
            manufactured=row["manufactured"],
            status=row["status"],
            version=row["version"],
            head_hash=row["head_hash"],
            first_at=row["first_at"],
            last_at=row["last_at"],
            received=row["received"],
            shipped=row["shipped"],
            disposed=row["disposed"],
            returned=row["returned"],
            adjustments=row["adjustments"],
            count_variances=row["count_variances"],
            on_hand=row["on_hand"],
            warehouses=list(row["warehouses"]),
        )


async def lot(conn: Driver, gtin: str, lot: str) -> LotRecord | None:
    row = await conn.fetchrow("SELECT * FROM lots WHERE gtin = $1 AND lot = $2", gtin, lot)
    return None if row is None else LotRecord.from_row(row)


async def lots(conn: Driver, f: LotFilter, limit: int, offset: int) -> list[LotRecord]:
    q = Filters()
    if f.gtin is not None:
        q.add("l.gtin = {}", f.gtin)
    if f.status is not None:
        q.add("l.status = {}", f.status)
    if f.expiring_before is not None:
        q.add("l.expiry < {}", f.expiring_before)
    if f.location is not None:
        q.add(
            "EXISTS (SELECT 1 FROM balances b WHERE b.gtin = l.gtin AND b.lot = l.lot "
            "AND b.location = {})",
            f.location,
        )
    if f.in_stock is not None:
        q.add("(l.on_hand > 0) = {}", f.in_stock)
    if f.recall_id is not None:
        q.add(_RECALLED_UNDER, f.recall_id)
    if f.warehouses is not None:
        q.add("l.warehouses && {}::text[]", list(f.warehouses))
    where = q.where()
    page = q.page(limit, offset)
    sql = f"SELECT l.* FROM lots l{where} ORDER BY l.gtin, l.lot{page}"  # noqa: S608
    return [LotRecord.from_row(r) for r in await conn.fetch(sql, *q.args)]


@dataclass(frozen=True)
class Balance:
    location: str
    warehouse: str
    qty: int
    since: datetime


async def balances(conn: Driver, gtin: str, lot: str) -> list[Balance]:
    rows = await conn.fetch(
        "SELECT location, warehouse, qty, since FROM balances WHERE gtin = $1 AND lot = $2 "
        "ORDER BY location",
        gtin,
        lot,
    )
    return [Balance(**dict(r)) for r in rows]


async def receipts(conn: Driver, gtin: str, lot: str) -> list[ReceiptRow]:
    rows = await conn.fetch(
        "SELECT gtin, lot, version, kind, party, qty, at, location, warehouse, reference "
        "FROM receipts WHERE gtin = $1 AND lot = $2 ORDER BY version",
        gtin,
        lot,
    )
    return [ReceiptRow(**dict(r)) for r in rows]


async def shipments(conn: Driver, gtin: str, lot: str) -> list[ShipmentRow]:
    rows = await conn.fetch(
        "SELECT gtin, lot, version, consignee, qty, at, order_ref, channel, location, warehouse "
        "FROM shipments WHERE gtin = $1 AND lot = $2 ORDER BY version",
        gtin,
        lot,
    )
    return [ShipmentRow(**dict(r)) for r in rows]


TRACE_ORIGIN = ("kind", "party", "qty", "at", "location", "reference", "version")
TRACE_DESTINATION = ("consignee", "qty", "at", "order_ref", "channel", "location", "version")


async def trace_entries(
    conn: Driver,
    table: str,
    columns: Sequence[str],
    gtin: str,
    lot: str,
    warehouses: Sequence[str] | None,
) -> list[dict[str, object]]:
    """A lot's receipts or shipments as the trace shows them (`columns` of `table`, in
    stream order); with `warehouses`, only those at one of them. Plain dicts straight from
    the rows: a 10,000-event lot's trace is built from thousands of them."""
    q = Filters()
    q.add("gtin = {}", gtin)
    q.add("lot = {}", lot)
    if warehouses is not None:
        q.add("warehouse = ANY({}::text[])", list(warehouses))
    sql = f"SELECT {', '.join(columns)} FROM {table}{q.where()} ORDER BY version"  # noqa: S608
    return [dict(r) for r in await conn.fetch(sql, *q.args)]


async def consignee_lots(
    conn: Driver, party: str, warehouses: Sequence[str] | None, limit: int, offset: int
) -> list[Row]:
    """Per lot: what the consignee was shipped (and returned), with the lot's status now."""
    q = Filters()
    q.add("s.consignee = {}", party)
    if warehouses is not None:
        q.add("s.warehouse = ANY({}::text[])", list(warehouses))
    where = q.where()
    page = q.page(limit, offset)
    sql = (
        "SELECT s.gtin, s.lot, l.expiry, l.status, sum(s.qty)::bigint AS shipped, "  # noqa: S608
        "count(*) AS shipments, min(s.at) AS first_at, max(s.at) AS last_at, "
        "COALESCE((SELECT sum(r.qty) FROM receipts r WHERE r.gtin = s.gtin AND r.lot = s.lot "
        "AND r.kind = 'returned' AND r.party = $1), 0)::bigint AS returned "
        f"FROM shipments s JOIN lots l ON l.gtin = s.gtin AND l.lot = s.lot{where} "
        f"GROUP BY s.gtin, s.lot, l.expiry, l.status ORDER BY s.gtin, s.lot{page}"
    )
    return list(await conn.fetch(sql, *q.args))
