"""A pack's serial state as inventory keeps it (docs/adr/0016-serials.md): announced or
not, where, in which container, and its history (traceability answers the regulator's
trace by serial from the lot streams); decommissioning packs and opening a case."""

from __future__ import annotations

from collections import Counter

from fastapi import APIRouter, Request
from starlette.responses import Response

from lotledger.inventory.adapters.unit_of_work import UnitOfWork
from lotledger.inventory.domain.serial_ids import Pack
from lotledger.inventory.entrypoints.api import serial_schemas as s
from lotledger.inventory.entrypoints.api import serial_views as v
from lotledger.inventory.entrypoints.api.dependencies import RuntimeDep
from lotledger.inventory.entrypoints.api.serial_answers import answer, body_of, desk_for
from lotledger.inventory.entrypoints.api.views import event_ref
from lotledger.inventory.service import serial_scans
from lotledger.inventory.service.stock import Accepted
from lotledger.shared.errors import NotFound
from lotledger.shared.identifiers import Gtin, warehouse_of
from lotledger.shared.web.idempotency import IdempotencyKey
from lotledger.shared.web.security import Caller

router = APIRouter(prefix="/v1", tags=["serials"])


class UnknownSerial(NotFound):
    pass


async def _serial(uow: UnitOfWork, pack: Pack) -> v.SerialView:
    found = (await uow.serials.records([pack])).get(pack)
    if found is None:
        raise UnknownSerial(f"{pack.key} is not a known pack", field="serial")
    history = await uow.serials.history(pack)
    for row in history:
        row["at"] = row["at"].isoformat()
        row["event_id"] = str(row["event_id"]) if row["event_id"] else None
    return v.SerialView(
        gtin=pack.gtin,
        serial=pack.serial,
        lot=found.lot,
        expiry=found.expiry,
        state=str(found.state),
        location=found.location,
        party=found.party,
        reason=found.reason,
        container=found.parent,
        history=history,
    )


@router.get(
    "/serials/{gtin}/{serial}",
    response_model=v.SerialView,
    summary="A pack's serial state and history",
)
async def serial_state(gtin: Gtin, serial: s.Serial, rt: RuntimeDep, who: Caller) -> v.SerialView:
    async with rt.uow(locking=False) as uow:
        view = await _serial(uow, Pack(gtin, serial))
    if view.location is not None:
        who.require_warehouse(warehouse_of(view.location))
    return view


@router.post(
    "/serials/decommission",
    status_code=201,
    response_model=v.PickView,
    summary="Decommission packs (destroyed, dispensed, stolen, sample, exported…)",
)
async def decommission(
    body: s.Decommission, request: Request, rt: RuntimeDep, who: Caller, key: IdempotencyKey = None
) -> Response:
    who.require_warehouse(warehouse_of(body.location))
    packs = s.packs_of(body.serials)

    def view(accepted: list[Accepted]) -> v.PickView:
        lots = Counter(
            f"{e.data['gtin']}/{e.data['lot']}"
            for a in accepted
            for e in a.events
            for _ in e.data.get("serials") or ()
        )
        return v.PickView(
            qty=len(packs),
            lots=dict(lots),
            events=[event_ref(e) for a in accepted for e in a.events],
        )

    async def run() -> v.PickView:
        accepted = await serial_scans.decommission(
            await desk_for(request, rt, who, key),
            packs,
            body.location,
            body.reason,
            lambda events: body_of(view(events)),
        )
        return view(accepted)

    return await answer(run)


@router.post(
    "/containers/{sscc}/open",
    summary="Open (disaggregate) a case: its packs can then be picked one by one",
)
async def open_container(
    sscc: s.Sscc, request: Request, rt: RuntimeDep, who: Caller
) -> dict[str, int | str]:
    opened = await serial_scans.open_container(await desk_for(request, rt, who, None), sscc)
    return {"sscc": sscc, "packs": opened}
