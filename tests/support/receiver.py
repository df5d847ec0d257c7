"""A real webhook receiver: an HTTP server on 127.0.0.1 (uvicorn) that verifies each
request by the Standard Webhooks convention with its published library
(`standardwebhooks`, given the subscription's `whsec_` secret) and records it.

It refuses what an ERP's receiver must refuse: a bad or missing signature, a timestamp
outside the library's window (5 minutes) and a tampered body answer 401. A request
whose `webhook-id` it has already processed is a replay: answered 200 (a sender that
lost the first answer may stop retrying) and not processed again.

Its other answers are scripted: by default 204 to a verified request; `fail_first(n)`
answers 500 to the first n attempts of every delivery id (not processing them);
`hold()` keeps requests waiting without an answer until `release()`.
"""

from __future__ import annotations

import asyncio
import base64
import secrets
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import orjson
import uvicorn
from standardwebhooks import Webhook, WebhookVerificationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

ID_HEADER = "webhook-id"
REPLAY_ANSWER = 200


def new_secret() -> str:
    """A fresh Standard Webhooks secret: whsec_ and the base64 of 32 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


@dataclass(frozen=True)
class Hit:
    """One request: `signed` when the library verified it, `replayed` when its id had been
    processed before; `accepted` when it was processed (verified, new, answered 2xx)."""

    delivery_id: str
    signed: bool
    answered: int | None
    body: dict[str, Any]
    replayed: bool = False
    headers: dict[str, str] = field(default_factory=dict, repr=False)
    raw: bytes = field(default=b"", repr=False)

    @property
    def accepted(self) -> bool:
        return not self.replayed and self.answered is not None and 200 <= self.answered < 300


@dataclass
class Receiver:
    secret: str
    hits: list[Hit] = field(default_factory=list)
    failures_first: int = 0
    failure_status: int = 500
    always: int | None = None
    _held: asyncio.Event | None = None
    _seen: Counter[str] = field(default_factory=Counter)
    _processed: set[str] = field(default_factory=set)
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
        raw = await request.body()
        headers = dict(request.headers)
        delivery = headers.get(ID_HEADER, "")
        signed = self._verified(raw, headers)
        body = orjson.loads(raw) if signed else _loose(raw)
        if self._held is not None:
            self._record(Hit(delivery, signed, None, body, False, headers, raw))
            await self._held.wait()
            return
        replayed = signed and delivery in self._processed
        status = self._answer(delivery, signed, replayed)
        if signed and not replayed and 200 <= status < 300:
            self._processed.add(delivery)
        self._record(Hit(delivery, signed, status, body, replayed, headers, raw))
        await Response(status_code=status)(scope, receive, send)

    def _verified(self, raw: bytes, headers: dict[str, str]) -> bool:
        try:
            Webhook(self.secret).verify(raw, headers)
        except (WebhookVerificationError, ValueError):
            return False
        return True

    def _answer(self, delivery: str, signed: bool, replayed: bool) -> int:
        if not signed:
            return 401
        if replayed:
            return REPLAY_ANSWER
        self._seen[delivery] += 1
        if self.always is not None:
            return self.always
        return self.failure_status if self._seen[delivery] <= self.failures_first else 204

    def _record(self, hit: Hit) -> None:
        self.hits.append(hit)
        self._arrived.set()


def _loose(raw: bytes) -> dict[str, Any]:
    """The body of a request that failed verification, as far as it parses."""
    try:
        parsed = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


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
