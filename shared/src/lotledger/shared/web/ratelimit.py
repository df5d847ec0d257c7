"""Per-token rate limiting of writes (DESIGN §10): a token bucket per bearer token (per
client address when there is none), answering 429 problem+json with Retry-After.

Buckets live in the process: with N instances behind a load balancer a token gets up to
N times the rate, which bounds a runaway client without a shared store.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections import OrderedDict
from collections.abc import Callable

import orjson
from starlette.types import ASGIApp, Receive, Scope, Send

from lotledger.shared.web.observe import REQUESTS_REFUSED

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_BUCKETS = 100_000


class TokenBuckets:
    def __init__(
        self, rate_per_s: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = rate_per_s
        self.burst = burst
        self.clock = clock
        self._buckets: OrderedDict[bytes, tuple[float, float]] = OrderedDict()

    def take(self, key: bytes) -> float:
        """0 when a request may pass, else the seconds until one may."""
        now = self.clock()
        tokens, stamp = self._buckets.pop(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - stamp) * self.rate)
        wait = 0.0 if tokens >= 1 else (1 - tokens) / self.rate
        self._buckets[key] = (tokens - 1 if wait == 0 else tokens, now)
        if len(self._buckets) > MAX_BUCKETS:
            self._buckets.popitem(last=False)
        return wait


class RateLimit:
    def __init__(self, app: ASGIApp, service: str, rate_per_s: float, burst: int) -> None:
        self.app = app
        self.service = service
        self.buckets = TokenBuckets(rate_per_s, burst) if rate_per_s > 0 else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.buckets is None or scope["type"] != "http" or scope["method"] not in WRITES:
            await self.app(scope, receive, send)
            return
        wait = self.buckets.take(_client_key(scope))
        if wait == 0:
            await self.app(scope, receive, send)
            return
        REQUESTS_REFUSED.labels(self.service, "rate_limited").inc()
        retry_after = str(max(1, math.ceil(wait)))
        body = orjson.dumps(
            {
                "type": "urn:lotledger:problem:too-many-requests",
                "title": "Too many requests",
                "status": 429,
                "detail": f"write rate limit exceeded; retry after {retry_after}s",
                "instance": scope["path"],
            }
        )
        await send(
            {
                "type": "http.response.start",
                "status": 429,
                "headers": [
                    (b"content-type", b"application/problem+json"),
                    (b"retry-after", retry_after.encode()),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _client_key(scope: Scope) -> bytes:
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            return hashlib.sha256(bytes(value)).digest()
    client = scope.get("client") or ("?", 0)
    return f"addr:{client[0]}".encode()
