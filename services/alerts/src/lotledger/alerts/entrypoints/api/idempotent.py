"""Running a POST in one transaction, safely retryable with `Idempotency-Key`.

Under a key, requests of one principal are serialised (`claim`); the first response is
stored with the change it reports and replayed to every retry with the same body, by the
shared rule of `lotledger.shared.idempotency`. A refused request stores nothing, so a
retry is judged afresh.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Request
from pydantic import BaseModel
from starlette.responses import Response

from lotledger.alerts.adapters.unit_of_work import Stores
from lotledger.alerts.runtime import AlertsRuntime
from lotledger.shared.auth import Principal
from lotledger.shared.idempotency import StoredResponse, replay
from lotledger.shared.web.idempotency import replayed, request_fingerprint

Action = Callable[[Stores], Awaitable[BaseModel]]


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
            fp = await request_fingerprint(request)
            await stores.idempotency.claim(who.sub, key)
            if stored := (await stores.idempotency.find(who.sub, [key])).get(key):
                return replayed(replay(stored, fp))
        body = (await action(stores)).model_dump_json().encode()
        if key and fp:
            await stores.idempotency.remember(who.sub, [(key, StoredResponse(fp, status, body))])
        await uow.commit()
    return Response(body, status_code=status, media_type="application/json")
