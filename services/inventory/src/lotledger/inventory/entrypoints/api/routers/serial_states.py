"""A pack's serial state as inventory keeps it (docs/adr/0016-serials.md): announced or
not, where, in which container, and its history. Traceability answers the regulator's
trace by serial from the lot streams."""

from __future__ import annotations

from fastapi import APIRouter

from lotledger.inventory.adapters.unit_of_work import UnitOfWork
from lotledger.inventory.domain.serial_ids import Pack
from lotledger.inventory.entrypoints.api import serial_schemas as s
from lotledger.inventory.entrypoints.api import serial_views as v
from lotledger.inventory.entrypoints.api.dependencies import RuntimeDep
from lotledger.shared.errors import NotFound
from lotledger.shared.identifiers import Gtin, warehouse_of
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
