"""Stock commands posted by warehouse scanners (role `scanner`, scoped to warehouses)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from lotledger.inventory.entrypoints.api import schemas
from lotledger.inventory.entrypoints.api.command_route import CommandRoute
from lotledger.inventory.entrypoints.api.commanding import run_command
from lotledger.inventory.entrypoints.api.dependencies import RuntimeDep
from lotledger.inventory.entrypoints.api.views import CommandResponse
from lotledger.shared.auth import Principal
from lotledger.shared.web.idempotency import IdempotencyKey
from lotledger.shared.web.problems import Problem
from lotledger.shared.web.security import Caller

router = APIRouter(prefix="/v1", tags=["stock"], route_class=CommandRoute)


def pick_warehouse(body: schemas.Pick, principal: Principal) -> str | None:
    """A FEFO pick without location or warehouse uses the token's only warehouse."""
    if body.location or body.warehouse:
        return None
    if len(principal.warehouses) == 1 and not principal.all_warehouses:
        return next(iter(principal.warehouses))
    raise Problem(
        422,
        "invalid-input",
        "Invalid input",
        "location or warehouse is required when the token spans several warehouses",
        {
            "errors": [
                {
                    "field": "location",
                    "rule": "missing",
                    "message": "location or warehouse is required",
                }
            ]
        },
    )


@router.post(
    "/receipts",
    status_code=201,
    response_model=CommandResponse,
    summary="Receive goods (fields or a GS1 barcode)",
)
async def receive(
    body: schemas.Receipt,
    request: Request,
    rt: RuntimeDep,
    who: Caller,
    key: IdempotencyKey = None,
) -> Response:
    return await run_command(request, rt, who, body.command(), key)


@router.post(
    "/picks",
    status_code=201,
    response_model=CommandResponse,
    summary="Pick for an order: an explicit lot, or FEFO",
)
async def pick(
    body: schemas.Pick, request: Request, rt: RuntimeDep, who: Caller, key: IdempotencyKey = None
) -> Response:
    return await run_command(request, rt, who, body.command(pick_warehouse(body, who)), key)


@router.post(
    "/moves",
    status_code=201,
    response_model=CommandResponse,
    summary="Move stock between locations",
)
async def move(
    body: schemas.Move, request: Request, rt: RuntimeDep, who: Caller, key: IdempotencyKey = None
) -> Response:
    return await run_command(request, rt, who, body.command(), key)


@router.post(
    "/adjustments",
    status_code=201,
    response_model=CommandResponse,
    summary="Adjust on-hand (damaged, lost, found, ...)",
)
async def adjust(
    body: schemas.Adjustment,
    request: Request,
    rt: RuntimeDep,
    who: Caller,
    key: IdempotencyKey = None,
) -> Response:
    return await run_command(request, rt, who, body.command(), key)


@router.post(
    "/counts",
    status_code=201,
    response_model=CommandResponse,
    summary="Record a physical count; on hand becomes the count",
)
async def count(
    body: schemas.Count, request: Request, rt: RuntimeDep, who: Caller, key: IdempotencyKey = None
) -> Response:
    return await run_command(request, rt, who, body.command(), key)


@router.post(
    "/returns",
    status_code=201,
    response_model=CommandResponse,
    summary="Receive a return; the batch lands quarantined",
)
async def return_(
    body: schemas.Return, request: Request, rt: RuntimeDep, who: Caller, key: IdempotencyKey = None
) -> Response:
    return await run_command(request, rt, who, body.command(), key)


@router.post(
    "/disposals",
    status_code=201,
    response_model=CommandResponse,
    summary="Dispose of stock (expired, damaged, recalled)",
)
async def dispose(
    body: schemas.Disposal,
    request: Request,
    rt: RuntimeDep,
    who: Caller,
    key: IdempotencyKey = None,
) -> Response:
    return await run_command(request, rt, who, body.command(), key)
