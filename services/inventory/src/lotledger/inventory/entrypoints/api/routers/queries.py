"""Read endpoints: a batch, its event stream, stock lines, FEFO suggestions."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from lotledger.inventory.adapters.log_store import LogStore
from lotledger.inventory.adapters.unit_of_work import driver_connection
from lotledger.inventory.domain.commands import PickStock
from lotledger.inventory.domain.errors import UnknownBatch
from lotledger.inventory.entrypoints.api.dependencies import RuntimeDep
from lotledger.inventory.entrypoints.api.log_views import verdict_view
from lotledger.inventory.entrypoints.api.views import (
    AllocationView,
    BatchEventsView,
    BatchView,
    StoredEventView,
    batch_view,
)
from lotledger.inventory.service.authorization import require_batch_scope
from lotledger.inventory.service.fefo_preview import preview
from lotledger.inventory.service.proofs import stream_verdict
from lotledger.shared.auth import Principal
from lotledger.shared.contracts.stock import BatchStatus, HoldingStatus
from lotledger.shared.identifiers import (
    MAX_QTY,
    Gtin,
    LocationId,
    WarehouseId,
    batch_id,
    warehouse_of,
)
from lotledger.shared.web.paging import Offset
from lotledger.shared.web.paths import LotInPath
from lotledger.shared.web.security import Caller
from lotledger.verify.chain import verify_chain

router = APIRouter(prefix="/v1", tags=["queries"])


class StockLineView(BaseModel):
    """One holding: `status` is the batch's QA status, `holding_status` the holding's; only
    available holdings of available batches ship."""

    gtin: str
    lot: str
    location: str
    warehouse: str
    qty: int
    status: BatchStatus
    expiry: date
    holding_status: HoldingStatus


class StockView(BaseModel):
    lines: list[StockLineView]
    total: int


class FefoView(BaseModel):
    gtin: str
    requested: int
    available: int
    sufficient: bool
    allocations: list[AllocationView]


async def visible_batch(rt: RuntimeDep, who: Principal, gtin: str, lot: str) -> BatchView:
    """The batch as the token may see it: on hand only in the token's warehouses."""
    state = await rt.queries.batch(batch_id(gtin, lot))
    if state is None:
        raise UnknownBatch(f"batch {gtin}/{lot} is unknown", gtin=gtin, lot=lot)
    require_batch_scope(who, state)
    view = batch_view(state)
    if not who.all_warehouses:
        view.on_hand = {
            loc: q for loc, q in view.on_hand.items() if who.may_access(warehouse_of(loc))
        }
        view.total = sum(view.on_hand.values())
        view.held = {loc: h for loc, h in view.held.items() if loc in view.on_hand}
    return view


@router.get(
    "/batches/{gtin}/{lot}/events",
    response_model=BatchEventsView,
    summary="The batch's event stream with its hash chain, verified",
)
async def batch_events(gtin: Gtin, lot: LotInPath, rt: RuntimeDep, who: Caller) -> BatchEventsView:
    await visible_batch(rt, who, gtin, lot)
    stream = batch_id(gtin, lot)
    events = await rt.queries.events(stream)
    verdict = verify_chain(events)
    async with driver_connection(rt.engine) as conn:
        store = LogStore(conn)
        logged = await stream_verdict(store, await store.latest(), rt.trusted_keys, stream, events)
    return BatchEventsView(
        batch_id=stream,
        events=[StoredEventView.model_validate(e) for e in events],
        chain_valid=verdict.ok,
        broken_version=verdict.broken_version,
        log=verdict_view(logged),
    )


@router.get(
    "/batches/{gtin}/{lot}",
    response_model=BatchView,
    summary="Status, expiry, on hand by location, version",
)
async def batch(gtin: Gtin, lot: LotInPath, rt: RuntimeDep, who: Caller) -> BatchView:
    return await visible_batch(rt, who, gtin, lot)


@router.get("/stock", response_model=StockView, summary="Stock lines by gtin, location, warehouse")
async def stock(
    rt: RuntimeDep,
    who: Caller,
    gtin: Annotated[Gtin | None, Query()] = None,
    location: Annotated[LocationId | None, Query()] = None,
    warehouse: Annotated[WarehouseId | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    offset: Offset = 0,
) -> StockView:
    scope = [warehouse] if warehouse else None
    if location is not None:
        who.require_warehouse(warehouse_of(location))
    if warehouse is not None:
        who.require_warehouse(warehouse)
    elif not who.all_warehouses:
        scope = sorted(who.warehouses)
    lines = await rt.queries.stock(
        gtin=gtin, location=location, warehouses=scope, limit=limit, offset=offset
    )
    views = [StockLineView(**line.__dict__) for line in lines]
    return StockView(lines=views, total=sum(v.qty for v in views))


@router.get("/fefo", response_model=FefoView, summary="What a FEFO pick would take (no change)")
async def fefo(
    rt: RuntimeDep,
    who: Caller,
    gtin: Annotated[Gtin, Query()],
    qty: Annotated[int, Query(gt=0, le=MAX_QTY)],
    location: Annotated[LocationId | None, Query()] = None,
    warehouse: Annotated[WarehouseId | None, Query()] = None,
    min_remaining_days: Annotated[int, Query(ge=0, le=3650)] = 0,
) -> FefoView:
    if location is not None:
        who.require_warehouse(warehouse_of(location))
    if warehouse is not None:
        who.require_warehouse(warehouse)
    command = PickStock(
        gtin,
        qty,
        "preview",
        "preview",
        location=location,
        warehouse=warehouse,
        min_remaining_days=min_remaining_days,
    )
    planned = await preview(rt.queries, rt.policy, rt.clock.now(), who, command)
    allocations = planned.allocations or []
    return FefoView(
        gtin=gtin,
        requested=qty,
        available=planned.available,
        sufficient=bool(allocations),
        allocations=[
            AllocationView(lot=a.lot, location=a.location, qty=a.qty, fefo_deviation=False)
            for a in allocations
        ],
    )
