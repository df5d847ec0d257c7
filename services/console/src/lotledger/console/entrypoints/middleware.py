"""ASGI middleware of the console: security headers, and a
Server-Timing header saying how much of a page's time its API calls took."""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lotledger.console.adapters.http import UPSTREAM, Upstream

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "object-src 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]


class PageHeaders:
    """Security headers on every answer; `Server-Timing: api;dur=…;desc="n calls", app;dur=…`
    on every page (the API time is the sum over its calls, which may overlap)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        upstream = Upstream()
        reset = UPSTREAM.set(upstream)

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                elapsed = (time.perf_counter() - started) * 1000
                timing = (
                    f'api;dur={upstream.seconds * 1000:.1f};desc="{upstream.calls} calls", '
                    f"app;dur={elapsed:.1f}"
                )
                headers = [*message.get("headers", []), *HEADERS]
                headers.append((b"server-timing", timing.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            UPSTREAM.reset(reset)
