"""Stock as of an instant: the residence intervals covering it (GiST on `period`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from lotledger.traceability.adapters.queries.session import Filters


async def stock_as_of(
    conn: Any,
    at: datetime,
    location: str | None,
    gtin: str | None,
    warehouses: Sequence[str] | None,
    limit: int,
    offset: int,
) -> list[Any]:
    """Lines (gtin, lot, location, warehouse, qty) held at `at`: after every event stamped
    at or before it, before any stamped later."""
    q = Filters()
    q.add("period @> {}::timestamptz", at)
    if location is not None:
        q.add("location = {}", location)
    if gtin is not None:
        q.add("gtin = {}", gtin)
    if warehouses is not None:
        q.add("warehouse = ANY({}::text[])", list(warehouses))
    where = q.where()
    page = q.page(limit, offset)
    sql = (
        "SELECT gtin, lot, location, warehouse, qty FROM residence"  # noqa: S608
        f"{where} ORDER BY location, gtin, lot{page}"
    )
    return list(await conn.fetch(sql, *q.args))
