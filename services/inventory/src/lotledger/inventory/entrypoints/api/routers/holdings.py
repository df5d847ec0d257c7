"""Decisions about the stock of one holding (docs/adr/0011-holdings.md): a hold on
available stock (role `scanner` or `qa`), and QA's release or rejection of held stock, in
part or in full. Each is a `holding_changed` event recording who, when and why."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from lotledger.inventory.entrypoints.api import qa_schemas as schemas
from lotledger.inventory.entrypoints.api.commanding import run_command
from lotledger.inventory.entrypoints.api.dependencies import RuntimeDep
from lotledger.inventory.entrypoints.api.views import CommandResponse
from lotledger.shared.web.idempotency import IdempotencyKey
from lotledger.shared.web.security import Caller

router = APIRouter(prefix="/v1/holdings", tags=["quality"])


@router.post(
    "/hold",
    status_code=201,
    response_model=CommandResponse,
    summary="Put available stock at a location on hold (damaged goods, a doubt)",
)
async def hold(
    body: schemas.Hold, request: Request, rt: RuntimeDep, who: Caller, key: IdempotencyKey = None
) -> Response:
    return await run_command(request, rt, who, body.command(), key)


@router.post(
    "/release",
    status_code=201,
    response_model=CommandResponse,
    summary="QA accepts held stock: an inspection passed, a return fit for sale, a hold lifted",
)
async def release(
    body: schemas.ReleaseHolding,
    request: Request,
    rt: RuntimeDep,
    who: Caller,
    key: IdempotencyKey = None,
) -> Response:
    return await run_command(request, rt, who, body.command(), key)


@router.post(
    "/reject",
    status_code=201,
    response_model=CommandResponse,
    summary="QA rejects stock: it can only be disposed of or returned to the supplier",
)
async def reject(
    body: schemas.RejectHolding,
    request: Request,
    rt: RuntimeDep,
    who: Caller,
    key: IdempotencyKey = None,
) -> Response:
    return await run_command(request, rt, who, body.command(), key)
