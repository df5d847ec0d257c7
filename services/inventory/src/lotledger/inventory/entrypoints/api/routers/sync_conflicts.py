"""Sync conflicts: the operations of offline syncs that inventory refused, kept until a
supervisor (role `qa`) applies one as an adjustment or discards it, each with a reason.
Read by the roles that read stock, within the token's warehouses."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from lotledger.inventory.adapters.sync_store import StoredConflict, SyncStore
from lotledger.inventory.adapters.unit_of_work import driver_connection
from lotledger.inventory.entrypoints.api.commanding import single_response, submit
from lotledger.inventory.entrypoints.api.dependencies import RuntimeDep, metadata
from lotledger.inventory.entrypoints.api.views import CommandResponse
from lotledger.inventory.service import stock
from lotledger.inventory.service import sync_conflicts as conflicts
from lotledger.shared.auth import Principal
from lotledger.shared.contracts.stock import HoldingStatus
from lotledger.shared.contracts.sync import Resolution
from lotledger.shared.identifiers import LocationId, Lot, ReasonCode, WarehouseId
from lotledger.shared.web.paging import Offset
from lotledger.shared.web.security import Caller

router = APIRouter(prefix="/v1/sync-conflicts", tags=["sync conflicts"])


class SyncConflictView(BaseModel):
    conflict_id: str
    client_op_id: str
    op: str
    operation: dict[str, Any] = Field(description="the operation as the scanner sent it")
    problem: dict[str, Any] = Field(description="the refusal (RFC 9457)")
    warehouses: list[str]
    gtin: str | None
    lot: str | None
    actor: str
    device: str | None
    scanned_at: str | None
    recorded_at: str
    status: Literal["open", "applied", "discarded"]
    reason: str | None = None
    resolved_by: str | None = None
    resolved_at: str | None = None
    events: list[str] = Field(default=[], description="the adjustment's events, if applied")


class SyncConflictsView(BaseModel):
    conflicts: list[SyncConflictView]


class Apply(BaseModel):
    """What the refused operation becomes: an adjustment of `delta` at `location` (by
    default what a receipt or return would have added there, what a pick or disposal
    would have taken)."""

    model_config = ConfigDict(extra="forbid")

    reason: ReasonCode
    lot: Lot | None = None
    location: LocationId | None = None
    delta: Annotated[int, Field(ge=-(10**9), le=10**9, strict=True)] | None = None
    holding_status: HoldingStatus | None = None


class Discard(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: ReasonCode


def _view(x: StoredConflict) -> SyncConflictView:
    return SyncConflictView(
        conflict_id=str(x.conflict_id),
        client_op_id=x.client_op_id,
        op=x.op,
        operation=x.operation,
        problem=x.problem,
        warehouses=x.warehouses,
        gtin=x.gtin,
        lot=x.lot,
        actor=x.principal,
        device=x.device,
        scanned_at=x.scanned_at.isoformat() if x.scanned_at else None,
        recorded_at=x.recorded_at.isoformat(),
        status="open" if x.resolution is None else x.resolution,
        reason=x.reason,
        resolved_by=x.resolved_by,
        resolved_at=x.resolved_at.isoformat() if x.resolved_at else None,
        events=[str(e) for e in x.events],
    )


async def _visible(rt: RuntimeDep, who: Principal, conflict_id: UUID) -> StoredConflict:
    async with driver_connection(rt.engine) as conn:
        found = await SyncStore(conn).conflict(conflict_id)
    if found is None:
        raise conflicts.UnknownConflict(
            f"sync conflict {conflict_id} is unknown", conflict_id=str(conflict_id)
        )
    if not who.all_warehouses and who.warehouses.isdisjoint(found.warehouses):
        raise conflicts.UnknownConflict(
            f"sync conflict {conflict_id} is unknown", conflict_id=str(conflict_id)
        )
    return found


@router.get("", response_model=SyncConflictsView, summary="Sync conflicts, newest first")
async def list_conflicts(
    rt: RuntimeDep,
    who: Caller,
    status: Annotated[Literal["open", "all"], Query()] = "open",
    warehouse: Annotated[WarehouseId | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Offset = 0,
) -> SyncConflictsView:
    scope = [warehouse] if warehouse else None
    if warehouse is not None:
        who.require_warehouse(warehouse)
    elif not who.all_warehouses:
        scope = sorted(who.warehouses)
    async with driver_connection(rt.engine) as conn:
        found = await SyncStore(conn).conflicts(status == "open", scope, limit, offset)
    return SyncConflictsView(conflicts=[_view(x) for x in found])


@router.get("/{conflict_id}", response_model=SyncConflictView, summary="One sync conflict")
async def get_conflict(conflict_id: UUID, rt: RuntimeDep, who: Caller) -> SyncConflictView:
    return _view(await _visible(rt, who, conflict_id))


@router.post(
    "/{conflict_id}/apply",
    status_code=201,
    response_model=CommandResponse,
    summary="Apply a refused operation as an adjustment, with a reason",
)
async def apply(
    conflict_id: UUID, body: Apply, request: Request, rt: RuntimeDep, who: Caller
) -> Response:
    conflict = await _visible(rt, who, conflict_id)
    conflicts.check_scope(who, conflict)
    conflicts.refuse_resolved(conflict)
    command = conflicts.adjustment_for(
        conflict, body.reason, body.lot, body.location, body.delta, body.holding_status
    )
    meta = metadata(who, rt, str(conflict_id))
    also = conflicts.application_also(conflict, body.reason, meta, rt.sync_topic)
    operation = stock.Operation(command, causation=str(conflict_id))
    return single_response(await submit(rt, stock.Request([operation], meta, who, also=also)))


@router.post(
    "/{conflict_id}/discard",
    response_model=SyncConflictView,
    summary="Discard a refused operation, with a reason",
)
async def discard(
    conflict_id: UUID, body: Discard, rt: RuntimeDep, who: Caller
) -> SyncConflictView:
    conflict = await _visible(rt, who, conflict_id)
    conflicts.check_scope(who, conflict)
    conflicts.refuse_resolved(conflict)
    meta = metadata(who, rt, str(conflict_id))
    async with rt.uow() as uow:
        await conflicts.record_resolution(
            uow, conflict, Resolution.DISCARDED, body.reason, meta, [], rt.sync_topic
        )
        await uow.commit()
    return _view(await _visible(rt, who, conflict_id))
