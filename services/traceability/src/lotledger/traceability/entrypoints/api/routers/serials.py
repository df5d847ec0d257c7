"""A serialised pack's trace: its whole history across its lot's events, and its state."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from lotledger.shared.db import json_value
from lotledger.shared.errors import NotFound
from lotledger.shared.identifiers import Gtin
from lotledger.traceability.adapters.queries import packs as q
from lotledger.traceability.domain.packs import current, step_of
from lotledger.traceability.entrypoints.api.dependencies import Conn, Reader
from lotledger.traceability.entrypoints.api.schemas.packs import PackStepView, PackTrace
from lotledger.traceability.entrypoints.api.views.lots import sees_event, visible_lot

router = APIRouter(prefix="/v1/serials", tags=["serials"])
Serial = Annotated[str, Path(min_length=1, max_length=20, pattern=r"^[!-~]{1,20}$")]


class UnknownPack(NotFound):
    pass


@router.get(
    "/{gtin}/{serial}",
    response_model=PackTrace,
    responses={404: {"description": "No event names this pack"}},
    summary="A serialised pack's history and current state",
)
async def pack_trace(gtin: Gtin, serial: Serial, conn: Conn, who: Reader) -> PackTrace:
    rows = await q.pack_events(conn, gtin, serial)
    if not rows:
        raise UnknownPack(f"no event names pack {gtin}/{serial}", field="serial")
    await visible_lot(conn, who, gtin, rows[-1]["lot"])
    steps = [
        step_of(
            r["type"], r["lot"], r["version"], r["at"], json_value(r["data"]), str(r["event_id"])
        )
        for r in rows
        if sees_event(who, list(r["locations"]))
    ]
    state = current(steps)
    if state is None:
        raise UnknownPack(f"no event names pack {gtin}/{serial}", field="serial")
    return PackTrace(
        gtin=gtin,
        serial=serial,
        lot=state.lot,
        state=state.state,
        location=state.location,
        party=state.party,
        reason=state.reason,
        history=[PackStepView(**vars(s)) for s in steps],
    )
