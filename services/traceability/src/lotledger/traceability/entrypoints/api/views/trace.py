"""A lot's trace: origin, every step in stream order, destinations.

Built as plain JSON-ready values rather than response models: a lot with 10,000 events
would otherwise spend most of its time validating models it just built. The shape is
the `Trace` response model's (its OpenAPI contract), which the tests hold it to.
A token scoped to some warehouses sees the steps, receipts and shipments at those
warehouses and the lot-wide status events.
"""

from __future__ import annotations

from typing import Any

from lotledger.shared.auth import Principal
from lotledger.shared.db import json_value
from lotledger.traceability.adapters.queries import history as h
from lotledger.traceability.adapters.queries import lots as q
from lotledger.traceability.entrypoints.api.views.lots import sees_event

_PLACES = ("location", "from_location", "to_location")
_SHOWN = frozenset({"gtin", "lot", "at", "qty", *_PLACES})


def _step(row: Any) -> dict[str, Any]:
    data = json_value(row["data"])
    return {
        "version": row["version"],
        "event_id": str(row["event_id"]),
        "type": row["type"].split(".")[2],
        "at": row["at"],
        "recorded_at": row["time"],
        "actor": row["actor"],
        "device": row["device"],
        "location": data.get("location"),
        "from_location": data.get("from_location"),
        "to_location": data.get("to_location"),
        "qty": data.get("qty"),
        "details": {k: v for k, v in data.items() if k not in _SHOWN},
        "hash": row["hash"],
    }


async def trace(conn: Any, who: Principal, lot_row: Any) -> dict[str, Any]:
    """The `Trace` body of a visible lot."""
    gtin, lot = lot_row["gtin"], lot_row["lot"]
    rows = await h.steps(conn, gtin, lot)
    origin = [
        {
            "kind": r["kind"],
            "party": r["party"],
            "qty": r["qty"],
            "at": r["at"],
            "location": r["location"],
            "reference": r["reference"],
            "version": r["version"],
        }
        for r in await q.receipts(conn, gtin, lot)
        if who.may_access(r["warehouse"])
    ]
    destinations = [
        {
            "consignee": r["consignee"],
            "qty": r["qty"],
            "at": r["at"],
            "order_ref": r["order_ref"],
            "channel": r["channel"],
            "location": r["location"],
            "version": r["version"],
        }
        for r in await q.shipments(conn, gtin, lot)
        if who.may_access(r["warehouse"])
    ]
    return {
        "gtin": gtin,
        "lot": lot,
        "expiry": lot_row["expiry"],
        "status": lot_row["status"],
        "origin": origin,
        "path": [_step(r) for r in rows if sees_event(who, r["locations"])],
        "destinations": destinations,
    }
