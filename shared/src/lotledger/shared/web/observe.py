"""Request observation as plain ASGI middleware (no per-request task or body copy):
a correlation id for logs and the response, latency metrics per route, a body cap."""

from __future__ import annotations

import time
from typing import Any

import orjson
import structlog
from prometheus_client import Counter, Histogram
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lotledger.shared.uuids import uuid4
from lotledger.shared.web.http_refusals import BODY_CHUNKS

REQUEST_SECONDS = Histogram(
    "lotledger_http_request_seconds",
    "HTTP request latency by service, method, route template and status",
    ["service", "method", "route", "status"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
REQUESTS_REFUSED = Counter(
    "lotledger_http_refused_total", "Requests refused at the edge", ["service", "reason"]
)
log = structlog.get_logger("lotledger.http")


class RequestObserver:
    def __init__(self, app: ASGIApp, service: str, log_requests: bool = False) -> None:
        self.app = app
        self.service = service
        self.log_requests = log_requests

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        correlation = _header(scope, b"x-correlation-id") or str(uuid4())
        correlation = correlation[:128]
        structlog.contextvars.bind_contextvars(correlation_id=correlation)
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-correlation-id", correlation.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            elapsed = time.perf_counter() - started
            REQUEST_SECONDS.labels(self.service, scope["method"], template, str(status)).observe(
                elapsed
            )
            if self.log_requests or status >= 500:
                log.info(
                    "request",
                    method=scope["method"],
                    path=scope["path"],
                    status=status,
                    ms=round(elapsed * 1000, 2),
                )
            structlog.contextvars.unbind_contextvars("correlation_id")


class BodyLimit:
    """Refuses bodies above `max_bytes` with 413: a declared length before the application
    reads anything, a chunked body as soon as it passes the limit (raised as an HTTP 413
    that the problem handlers render, since handlers read bodies inside the app). Keeps the
    chunks it let through under BODY_CHUNKS for the problem handlers."""

    def __init__(self, app: ASGIApp, service: str, max_bytes: int) -> None:
        self.app = app
        self.service = service
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            REQUESTS_REFUSED.labels(self.service, "body_too_large").inc()
            await self._refuse(scope, send)
            return
        received = 0
        chunks: list[bytes] = []
        scope[BODY_CHUNKS] = chunks

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                chunk = message.get("body", b"")
                received += len(chunk)
                if received > self.max_bytes:
                    REQUESTS_REFUSED.labels(self.service, "body_too_large").inc()
                    raise _TooLarge(self.max_bytes)
                chunks.append(chunk)
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _TooLarge:
            await self._refuse(scope, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        body = orjson.dumps(
            {
                "type": "urn:lotledger:problem:payload-too-large",
                "title": "Payload too large",
                "status": 413,
                "detail": f"request bodies are limited to {self.max_bytes} bytes",
                "instance": scope["path"],
            }
        )
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/problem+json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class _TooLarge(HTTPException):
    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"request bodies are limited to {max_bytes} bytes")


def _header(scope: Scope, name: bytes) -> str | None:
    headers: Any = scope.get("headers", ())
    for key, value in headers:
        if key == name:
            return bytes(value).decode("latin-1")
    return None
