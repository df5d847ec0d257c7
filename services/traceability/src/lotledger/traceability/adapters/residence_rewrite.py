"""Rewriting one lot's residence and stays from its whole history, in the order things
happened (domain/residence_rebuild.py), inside the projection's transaction."""

from __future__ import annotations

from lotledger.shared.contracts.stock import EVENT_TYPES
from lotledger.shared.db import Driver, json_value
from lotledger.shared.identifiers import warehouse_of
from lotledger.traceability.domain.residence_rebuild import rebuilt

RESIDENCE = ("gtin", "lot", "location", "version", "warehouse", "qty", "start_at", "end_at")
STAYS = ("gtin", "lot", "location", "version", "warehouse", "start_at", "end_at")


async def rewrite_lot(conn: Driver, key: tuple[str, str]) -> int:
    """Recompute the lot's residence and stays from its stored history; its on-hand after."""
    gtin, lot = key
    rows = await conn.fetch(
        "SELECT version, type, data FROM history WHERE gtin = $1 AND lot = $2", gtin, lot
    )
    events = [
        (r["version"], EVENT_TYPES[r["type"]].model_validate(json_value(r["data"])))
        for r in rows
        if r["type"] in EVENT_TYPES
    ]
    intervals, stays = rebuilt(events)
    await conn.execute("DELETE FROM residence WHERE gtin = $1 AND lot = $2", gtin, lot)
    await conn.execute("DELETE FROM stays WHERE gtin = $1 AND lot = $2", gtin, lot)
    if intervals:
        await conn.copy_records_to_table(
            "residence",
            columns=RESIDENCE,
            records=[
                (gtin, lot, i.location, i.version, warehouse_of(i.location), i.qty, i.start, i.end)
                for i in intervals
            ],
        )
    if stays:
        await conn.copy_records_to_table(
            "stays",
            columns=STAYS,
            records=[
                (gtin, lot, x.location, x.version, warehouse_of(x.location), x.start, x.end)
                for x in stays
            ],
        )
    return sum(i.qty for i in intervals if i.end is None)
