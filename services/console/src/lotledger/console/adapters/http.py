"""One API as the console calls it: the user's bearer token on every request, answers
mapped once to the domain's named errors, the time spent recorded for Server-Timing."""

from __future__ import annotations

import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson
import structlog

from lotledger.console.domain.errors import Missing, NotAllowed, Refused, SignedOut, Unavailable

log = structlog.get_logger("lotledger.console.api")


@dataclass
class Upstream:
    """What one console request spent in API calls (concurrent calls overlap)."""

    calls: int = 0
    seconds: float = 0.0
    slowest: float = 0.0
    names: list[str] = field(default_factory=list)


UPSTREAM: ContextVar[Upstream | None] = ContextVar("console_upstream", default=None)


class Api:
    def __init__(
        self,
        name: str,
        base_url: str,
        timeout_s: float,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.name = name
        self._client = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            timeout=timeout_s,
            transport=transport,
            headers={"accept": "application/json"},
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=32),
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def ready(self) -> bool:
        try:
            return (await self._client.get("/healthz", timeout=2)).status_code == 200
        except httpx.HTTPError:
            return False

    async def get(self, path: str, token: str, params: dict[str, Any] | None = None) -> Any:
        response = await self.request("GET", path, token, params=params)
        return orjson.loads(response.content)

    async def request(
        self,
        method: str,
        path: str,
        token: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """The answer when 2xx; otherwise the named error its status means."""
        sent = {"authorization": f"Bearer {token}", **(headers or {})}
        correlation = structlog.contextvars.get_contextvars().get("correlation_id")
        if correlation:
            sent["x-correlation-id"] = str(correlation)
        query = {k: v for k, v in (params or {}).items() if v not in (None, "", [])}
        started = time.perf_counter()
        try:
            response = await self._client.request(
                method, path, params=query, json=json, headers=sent
            )
        except httpx.HTTPError as exc:
            log.warning("api_unreachable", api=self.name, path=path, error=type(exc).__name__)
            raise Unavailable(f"the {self.name} service could not be reached") from exc
        finally:
            _record(self.name, time.perf_counter() - started)
        if response.is_success:
            return response
        raise _error(self.name, response)


def _record(name: str, seconds: float) -> None:
    upstream = UPSTREAM.get()
    if upstream is not None:
        upstream.calls += 1
        upstream.seconds += seconds
        upstream.slowest = max(upstream.slowest, seconds)
        upstream.names.append(name)


def _detail(response: httpx.Response) -> str:
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return response.reason_phrase
    if isinstance(body, dict):
        return str(body.get("detail") or body.get("title") or response.reason_phrase)
    return response.reason_phrase


def _error(name: str, response: httpx.Response) -> Exception:
    status = response.status_code
    if status == 401:
        return SignedOut(f"the {name} service did not accept your token: {_detail(response)}")
    if status == 403:
        return NotAllowed(_detail(response))
    if status == 404:
        return Missing(_detail(response))
    if status in (409, 422):
        return Refused(_detail(response))
    if status == 429:
        wait = response.headers.get("retry-after", "a few")
        return Refused(f"too many requests: try again in {wait} seconds")
    log.warning("api_failed", api=name, status=status)
    return Unavailable(f"the {name} service failed (HTTP {status})")
