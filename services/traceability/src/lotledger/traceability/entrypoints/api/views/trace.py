"""A lot's trace: origin, every step in stream order, destinations.

The steps were rendered to JSON when projected (`adapters/trace_steps.py`), so the body
is assembled from stored text: a lot with 10,000 events needs no per-row decoding or
model building. The shape is the `Trace` response model's, which the tests hold it to.
A token scoped to some warehouses sees the steps, receipts and shipments at those
warehouses and the lot-wide status events.
"""

from __future__ import annotations

import orjson

from lotledger.shared.auth import Principal
from lotledger.shared.db import Driver, json_value
from lotledger.traceability.adapters.queries import history as h
from lotledger.traceability.adapters.queries import lots as q
from lotledger.traceability.adapters.queries import packs as p
from lotledger.traceability.adapters.queries.lots import LotRecord
from lotledger.traceability.domain.packs import lot_packs
from lotledger.traceability.entrypoints.api.dependencies import scope


async def trace(conn: Driver, who: Principal, lot_row: LotRecord) -> bytes:
    """The `Trace` body of a visible lot, as JSON."""
    gtin, lot = lot_row.gtin, lot_row.lot
    warehouses = scope(who)
    origin = await q.trace_entries(conn, "receipts", q.TRACE_ORIGIN, gtin, lot, warehouses)
    destinations = await q.trace_entries(
        conn, "shipments", q.TRACE_DESTINATION, gtin, lot, warehouses
    )
    steps = await h.path(conn, gtin, lot, warehouses)
    serial_events = await p.lot_serial_events(conn, gtin, lot)
    counts = (
        vars(lot_packs((r["type"], json_value(r["data"])) for r in serial_events)[0])
        if serial_events
        else None
    )
    head = {
        "gtin": gtin,
        "lot": lot,
        "expiry": lot_row.expiry,
        "status": lot_row.status,
        "origin": origin,
    }
    opening = orjson.dumps(head, option=orjson.OPT_UTC_Z)[:-1]
    closing = orjson.dumps(
        {"destinations": destinations, "packs": counts}, option=orjson.OPT_UTC_Z
    )[1:]
    return b"".join((opening, b',"path":[', steps, b"],", closing))
