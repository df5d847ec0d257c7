"""Answering serial scans: the desk a scan runs with (its `Idempotency-Key` and the
request's fingerprint), its 201 body, and the replay of an answer stored under the key."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import orjson
from fastapi import Request
from pydantic import BaseModel
from starlette.responses import Response

from lotledger.inventory.entrypoints.api.dependencies import metadata
from lotledger.inventory.runtime import InventoryRuntime
from lotledger.inventory.service.serial_requests import AlreadyAnswered, Key, SerialDesk
from lotledger.shared.auth import Principal
from lotledger.shared.web.idempotency import replayed, request_fingerprint

View = TypeVar("View", bound=BaseModel)


async def desk_for(
    request: Request, rt: InventoryRuntime, who: Principal, key: str | None
) -> SerialDesk:
    keyed = None
    if key:
        keyed = Key(key, await request_fingerprint(request))
    meta = metadata(who, rt, key)
    return SerialDesk(rt.uow, rt.policy, rt.catalog_cache, rt.sync_topic, meta, who, keyed)


def body_of(view: BaseModel) -> bytes:
    return orjson.dumps(view.model_dump(mode="json"))


async def answer(run: Callable[[], Awaitable[View]]) -> Response:
    """201 with the view, or the stored answer of an earlier request with the same key."""
    try:
        return Response(body_of(await run()), status_code=201, media_type="application/json")
    except AlreadyAnswered as earlier:
        return replayed(earlier.response)
