"""Running stock commands from HTTP: the one way in (`submit`; single-command POSTs go
through the app's group commit) and their answers (201 with the accepted operation's
plain result, or the replayed one)."""

from __future__ import annotations

import orjson
from fastapi import Request
from starlette.responses import Response

from lotledger.inventory.domain.commands import Command
from lotledger.inventory.entrypoints.api.dependencies import metadata
from lotledger.inventory.runtime import InventoryRuntime
from lotledger.inventory.service import stock
from lotledger.inventory.service.group_commit import GroupCommit
from lotledger.shared.auth import Principal
from lotledger.shared.web.idempotency import replayed, request_fingerprint


def group_commit(request: Request) -> GroupCommit:
    value: GroupCommit = request.app.state.group_commit
    return value


async def submit(rt: InventoryRuntime, request: stock.Request) -> stock.Outcome:
    """`stock.submit` on the runtime's units of work, policy and catalog cache."""
    return await stock.submit(request, rt.uow, rt.policy, rt.catalog_cache)


def whole_response(outcome: stock.Outcome) -> Response:
    """A whole request's answer, as rendered once by the service (live or replayed)."""
    assert outcome.response is not None
    if outcome.replayed:
        return replayed(outcome.response)
    return Response(
        outcome.response.body, status_code=outcome.response.status, media_type="application/json"
    )


def single_response(outcome: stock.Outcome) -> Response:
    """A one-operation request's answer; a refusal is raised for the problem handlers."""
    [result] = outcome.results
    if isinstance(result, stock.Replayed):
        return replayed(result.response)
    if isinstance(result, stock.Accepted):
        return Response(
            orjson.dumps(result.plain()), status_code=201, media_type="application/json"
        )
    raise result


async def run_command(
    request: Request,
    rt: InventoryRuntime,
    principal: Principal,
    command: Command,
    idempotency_key: str | None,
) -> Response:
    fp = await request_fingerprint(request) if idempotency_key else None
    operation = stock.Operation(command, key=idempotency_key, fingerprint=fp)
    meta = metadata(principal, rt, idempotency_key)
    single = stock.Request([operation], meta, principal)
    return single_response(await group_commit(request).submit(single))
