"""Stock as of an instant: the stays covering it (GiST on `stays.period`), each resolved to
the quantity of its residence interval holding then (the lot's btree primary key)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from lotledger.shared.db import Driver, Row
from lotledger.traceability.adapters.queries.session import Filters


async def stock_as_of(
    conn: Driver,
    at: datetime,
    location: str | None,
    gtin: str | None,
    warehouses: Sequence[str] | None,
    limit: int,
    offset: int,
) -> list[Row]:
    """Lines (gtin, lot, location, warehouse, qty) held at `at`: after every event stamped
    at or before it, before any stamped later."""
    q = Filters()
    q.add("s.period @> {}::timestamptz", at)
    if location is not None:
        q.add("s.location = {}", location)
    if gtin is not None:
        q.add("s.gtin = {}", gtin)
    if warehouses is not None:
        q.add("s.warehouse = ANY({}::text[])", list(warehouses))
    q.add("(r.end_at IS NULL OR r.end_at > {}::timestamptz)", at)
    where = q.where()
    page = q.page(limit, offset)
    sql = (
        "SELECT r.gtin, r.lot, r.location, r.warehouse, r.qty FROM stays s "  # noqa: S608
        "CROSS JOIN LATERAL (SELECT gtin, lot, location, warehouse, qty, end_at FROM residence "
        "WHERE gtin = s.gtin AND lot = s.lot AND location = s.location AND start_at <= $1 "
        "ORDER BY start_at DESC, version DESC LIMIT 1) r"
        f"{where} ORDER BY r.location, r.gtin, r.lot{page}"
    )
    return list(await conn.fetch(sql, *q.args))
