"""A lot's EPCIS 2.0 document: its stock events (those a scoped token may see) and the
excursions it was exposed to, written in each location's time zone from the catalog."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from lotledger.shared.auth import Principal
from lotledger.shared.contracts.stock import EVENT_TYPES
from lotledger.shared.db import Driver, Row, json_value
from lotledger.shared.identifiers import warehouse_of
from lotledger.traceability.adapters.queries import climate as q
from lotledger.traceability.adapters.queries import history as h
from lotledger.traceability.adapters.queries.lots import LotRecord
from lotledger.traceability.domain.epcis import (
    ExportSettings,
    LotExposure,
    RecordedEvent,
    lot_document,
)
from lotledger.traceability.domain.residence import exposure
from lotledger.traceability.entrypoints.api.views.lots import sees_event


def recorded_at(row: Row) -> datetime:
    """When inventory recorded the event: its `recordedtime`, else (events from before it)
    its envelope time."""
    extensions = json_value(row["extensions"]) if row["extensions"] is not None else {}
    recorded = extensions.get("recordedtime")
    return row["time"] if recorded is None else datetime.fromisoformat(recorded)


async def lot_epcis(
    conn: Driver, who: Principal, lot_row: LotRecord, now: datetime, own_party: str | None
) -> dict[str, Any]:
    gtin, lot = lot_row.gtin, lot_row.lot
    events = [
        RecordedEvent(
            event_id=r["event_id"],
            version=r["version"],
            payload=EVENT_TYPES[r["type"]].model_validate(json_value(r["data"])),
            hash=r["hash"],
            recorded_at=recorded_at(r),
        )
        for r in await h.history(conn, gtin, lot)
        if r["type"] in EVENT_TYPES and sees_event(who, r["locations"])
    ]
    intervals = [
        i for i in await h.residence(conn, gtin, lot) if who.may_access(warehouse_of(i.location))
    ]
    exposures = []
    for x in await q.lot_excursions(conn, gtin, lot):
        found = exposure(intervals, x.location, x.started_at, x.ended_at or now)
        if found is not None:
            exposures.append(LotExposure(x, found))
    places = {i.location for i in intervals} | {x.excursion.location for x in exposures}
    settings = ExportSettings(
        created_at=now, zones=await q.zones(conn, places), own_party=own_party
    )
    return lot_document(gtin, lot, events, exposures, settings)
