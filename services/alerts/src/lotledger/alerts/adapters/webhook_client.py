"""Webhook POSTs over httpx. One attempt = one request with a timeout; the response body
is never read (a receiver cannot make the deliverer buffer megabytes), redirects are not
followed, and every failure is an `Outcome` value, never an exception."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from lotledger.alerts import VERSION
from lotledger.alerts.adapters.webhook_signing import legacy_headers, standard_headers
from lotledger.alerts.domain.webhooks import Outcome

EVENT_HEADER = "X-Lotledger-Event"
MAX_ERROR = 300


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """A Retry-After header (delta-seconds or an HTTP date) as seconds from `now`."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - now).total_seconds(), 0.0)


def request_headers(
    key: bytes,
    body: bytes,
    delivery_id: str,
    event_type: str,
    at: datetime,
    *,
    legacy: bool = False,
) -> dict[str, str]:
    """The headers of one attempt made at `at` (see `webhook_signing`); `legacy` adds
    the deprecated lotledger signature headers."""
    headers = {
        "Content-Type": "application/json",
        "User-Agent": f"lotledger-alerts/{VERSION}",
        EVENT_HEADER: event_type,
        **standard_headers(key, delivery_id, body, at),
    }
    if legacy:
        headers |= legacy_headers(key, delivery_id, body)
    return headers


class WebhookClient:
    def __init__(self, timeout_s: float) -> None:
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 5.0)),
            follow_redirects=False,
            limits=httpx.Limits(max_connections=256, max_keepalive_connections=32),
        )

    async def post(
        self, url: str, body: bytes, headers: dict[str, str], now: datetime
    ) -> tuple[Outcome, float]:
        """The attempt's outcome and its duration in milliseconds."""
        started = time.perf_counter()
        try:
            request = self._client.build_request("POST", url, content=body, headers=headers)
            response = await self._client.send(request, stream=True)
            await response.aclose()
        except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
            error = f"{type(exc).__name__}: {exc}"[:MAX_ERROR]
            return Outcome(None, error), _ms(started)
        outcome = Outcome(
            response.status_code,
            None if response.is_success else f"HTTP {response.status_code}",
            retry_after_seconds(response.headers.get("retry-after"), now),
        )
        return outcome, _ms(started)

    async def close(self) -> None:
        await self._client.aclose()


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)
