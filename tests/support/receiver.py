"""A real webhook receiver: an HTTP server on 127.0.0.1 (uvicorn) that verifies each
request's `X-Lotledger-Signature` against the subscription secret and records it.

Its answers are scripted: by default 204 to a correctly signed request and 401 to any
other; `fail_first(n)` answers 500 to the first n attempts of every delivery id; `hold()`
keeps requests waiting without an answer until `release()`.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import orjson
import uvicorn
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from lotledger.alerts.domain.webhooks import DELIVERY_ID_HEADER, SIGNATURE_HEADER, verify


@dataclass(frozen=True)
class Hit:
    delivery_id: str
    signed: bool
    answered: int | None
    body: dict[str, Any]

    @property
    def accepted(self) -> bool:
        return self.answered is not None and 200 <= self.answered < 300


@dataclass
class Receiver:
    secret: str
    hits: list[Hit] = field(default_factory=list)
    failures_first: int = 0
    failure_status: int = 500
    always: int | None = None
    _held: asyncio.Event | None = None
    _seen: Counter[str] = field(default_factory=Counter)
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)
    url: str = ""

    def fail_first(self, attempts: int, status: int = 500) -> None:
        self.failures_first, self.failure_status = attempts, status

    def hold(self) -> None:
        self._held = asyncio.Event()

    def release(self) -> None:
        if self._held is not None:
            self._held.set()
            self._held = None

    def accepted(self) -> list[Hit]:
        return [h for h in self.hits if h.accepted]

    def of_alert(self, alert_id: str) -> list[Hit]:
        return [h for h in self.hits if h.body.get("data", {}).get("alert_id") == alert_id]

    async def wait_for(self, condition: Callable[[Receiver], bool], timeout_s: float = 30) -> None:
        try:
            async with asyncio.timeout(timeout_s):
                while not condition(self):
                    self._arrived.clear()
                    await self._arrived.wait()
        except TimeoutError as exc:
            raise AssertionError(f"receiver: condition not met; {len(self.hits)} hits") from exc

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        body = await request.body()
        delivery = request.headers.get(DELIVERY_ID_HEADER, "")
        signed = verify(self.secret, body, request.headers.get(SIGNATURE_HEADER))
        if self._held is not None:
            self._record(Hit(delivery, signed, None, orjson.loads(body)))
            await self._held.wait()
            return
        self._seen[delivery] += 1
        status = self._answer(delivery, signed)
        self._record(Hit(delivery, signed, status, orjson.loads(body)))
        await Response(status_code=status)(scope, receive, send)

    def _answer(self, delivery: str, signed: bool) -> int:
        if not signed:
            return 401
        if self.always is not None:
            return self.always
        return self.failure_status if self._seen[delivery] <= self.failures_first else 204

    def _record(self, hit: Hit) -> None:
        self.hits.append(hit)
        self._arrived.set()


@asynccontextmanager
async def receiving(secret: str) -> AsyncIterator[Receiver]:
    receiver = Receiver(secret)
    config = uvicorn.Config(
        receiver,
        host="127.0.0.1",
        port=0,
        lifespan="off",
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    receiver.url = f"http://127.0.0.1:{port}/hooks/lotledger"
    try:
        yield receiver
    finally:
        receiver.release()
        server.should_exit = True
        await task
