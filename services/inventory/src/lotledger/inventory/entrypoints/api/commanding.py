"""Running commands from HTTP: idempotency fingerprints, responses, replays."""

from __future__ import annotations

import hashlib

import orjson
from fastapi import Request
from starlette.responses import Response

from lotledger.inventory.adapters.idempotency import StoredResponse
from lotledger.inventory.domain.commands import Command
from lotledger.inventory.entrypoints.api.dependencies import metadata
from lotledger.inventory.entrypoints.api.views import command_body
from lotledger.inventory.runtime import InventoryRuntime
from lotledger.inventory.service import stock
from lotledger.shared.auth import Principal

REPLAYED_HEADER = "Idempotent-Replayed"


def fingerprint(method: str, path: str, body: bytes) -> str:
    """Equal for the same request whatever the JSON's key order or whitespace."""
    try:
        canonical = orjson.dumps(orjson.loads(body or b"null"), option=orjson.OPT_SORT_KEYS)
    except orjson.JSONDecodeError:
        canonical = body
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + canonical).hexdigest()


def render(result: stock.Result) -> tuple[int, bytes] | None:
    if isinstance(result, stock.Accepted):
        return 201, orjson.dumps(command_body(result))
    return None


def replayed(response: StoredResponse) -> Response:
    return Response(
        response.body,
        status_code=response.status,
        media_type="application/json",
        headers={REPLAYED_HEADER: "true"},
    )


async def run_command(
    request: Request,
    rt: InventoryRuntime,
    principal: Principal,
    command: Command,
    idempotency_key: str | None,
) -> Response:
    fp = None
    if idempotency_key:
        fp = fingerprint(request.method, request.url.path, await request.body())
    operation = stock.Operation(command, key=idempotency_key, fingerprint=fp)
    results = await stock.execute(
        stock.Request(
            [operation], metadata(principal, rt, idempotency_key), principal, render, rt.stock_topic
        ),
        rt.uow,
        rt.policy,
        rt.catalog_cache,
    )
    assert isinstance(results, list)
    [result] = results
    if isinstance(result, stock.Replayed):
        return replayed(result.response)
    if isinstance(result, stock.Accepted):
        return Response(
            orjson.dumps(command_body(result)), status_code=201, media_type="application/json"
        )
    raise result
