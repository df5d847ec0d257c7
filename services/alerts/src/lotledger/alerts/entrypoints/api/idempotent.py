"""Running a POST in one transaction, safely retryable with `Idempotency-Key`.

Under a key, requests of one principal are serialised; the first response is stored with
the change it reports and returned again (with `Idempotent-Replayed: true`) to every
retry with the same body. The same key with another body is a 409 conflict. A refused
request stores nothing, so a retry is judged afresh.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable

import orjson
from fastapi import Request
from pydantic import BaseModel
from starlette.responses import Response

from lotledger.alerts.adapters.idempotency import StoredResponse
from lotledger.alerts.adapters.unit_of_work import Stores
from lotledger.alerts.runtime import AlertsRuntime
from lotledger.shared.auth import Principal
from lotledger.shared.errors import Conflict

REPLAYED_HEADER = "Idempotent-Replayed"
Action = Callable[[Stores], Awaitable[BaseModel]]


def fingerprint(method: str, path: str, body: bytes) -> str:
    """Equal for the same request whatever the JSON's key order or whitespace."""
    try:
        canonical = orjson.dumps(orjson.loads(body or b"null"), option=orjson.OPT_SORT_KEYS)
    except orjson.JSONDecodeError:
        canonical = body
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + canonical).hexdigest()


async def run_once(
    request: Request,
    rt: AlertsRuntime,
    who: Principal,
    key: str | None,
    action: Action,
    status: int = 200,
) -> Response:
    async with rt.uow() as uow:
        stores = uow.stores
        fp = None
        if key:
            fp = fingerprint(request.method, request.url.path, await request.body())
            await stores.idempotency.claim(who.sub, key)
            stored = await stores.idempotency.find(who.sub, key)
            if stored is not None:
                if stored.fingerprint != fp:
                    raise Conflict(
                        "this idempotency key was used with a different request",
                        field="Idempotency-Key",
                    )
                return Response(
                    stored.body,
                    status_code=stored.status,
                    media_type="application/json",
                    headers={REPLAYED_HEADER: "true"},
                )
        body = (await action(stores)).model_dump_json().encode()
        if key and fp:
            await stores.idempotency.remember(who.sub, key, StoredResponse(fp, status, body))
        await uow.commit()
    return Response(body, status_code=status, media_type="application/json")
