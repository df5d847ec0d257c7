"""The example ERP webhook receiver (examples/webhook_receiver.py), subscribed to a real
alerts service, stores every delivery verified by the Standard Webhooks library once, and
refuses a replayed, tampered or stale request."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx

from lotledger.alerts.adapters.webhook_client import request_headers
from lotledger.alerts.domain.webhook_secrets import standard_key
from lotledger.shared.modules import from_file
from tests.integration.alerts.steps import product, receive
from tests.integration.alerts.world import ADMIN, AlertsWorld, fresh_gtin
from tests.support.receiver import new_secret
from tests.support.world import fresh_lot

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "webhook_receiver.py"


def _example() -> ModuleType:
    return from_file(EXAMPLE, "webhook_receiver")


@contextmanager
def _running(inbox: Any) -> Iterator[str]:
    http = _example().server(inbox, "127.0.0.1", 0)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{http.server_address[1]}/lotledger"
    finally:
        http.shutdown()
        http.server_close()
        thread.join(10)


@asynccontextmanager
async def _subscribed(world: AlertsWorld, url: str, secret: str) -> AsyncIterator[str]:
    created = await world.api.post(
        "/v1/webhooks",
        json={"url": url, "types": ["overstock"], "secret": secret},
        headers=ADMIN,
    )
    assert created.status_code == 201, created.text
    try:
        yield created.json()["webhook_id"]
    finally:
        await world.api.delete(f"/v1/webhooks/{created.json()['webhook_id']}", headers=ADMIN)


async def test_the_example_receiver_stores_verified_deliveries_once_and_refuses_replays(
    world: AlertsWorld, tmp_path: Path
) -> None:
    secret, gtin = new_secret(), fresh_gtin()
    inbox = _example().Inbox(tmp_path / "inbox.sqlite", secret)
    with _running(inbox) as url:
        async with _subscribed(world, url, secret):
            await product(world, gtin, max_stock=10)
            await receive(world, gtin, fresh_lot("WE"), 15, "2027-09-30")

            async def stored() -> list[dict[str, Any]]:
                return [e for e in inbox.events() if e["data"].get("gtin") == gtin]

            (event,) = await world.until(stored)
            assert (event["type"], event["data"]["alert_type"]) == (
                "lotledger.alert.raised.v1",
                "overstock",
            )

        body = b'{"id":"e-1","type":"lotledger.alert.raised.v1","data":{}}'
        key = standard_key(secret)
        now = datetime.now(UTC)
        async with httpx.AsyncClient() as client:

            async def post(headers: dict[str, str], content: bytes) -> int:
                return (await client.post(url, headers=headers, content=content)).status_code

            signed = request_headers(key, body, "delivery-1", "lotledger.alert.raised.v1", now)
            assert await post(signed, body) == 204
            assert await post(signed, body) == 200
            assert await post(signed, body.replace(b"e-1", b"e-2")) == 401
            stale = request_headers(
                key, body, "delivery-2", "lotledger.alert.raised.v1", now - timedelta(minutes=6)
            )
            assert await post(stale, body) == 401
            other = request_headers(
                standard_key(new_secret()), body, "delivery-3", "lotledger.alert.raised.v1", now
            )
            assert await post(other, body) == 401
            for malformed in ("garbage", "v1,!!not-base64"):
                assert await post(signed | {"webhook-signature": malformed}, body) == 401
        assert [e["id"] for e in inbox.events()] == [event["id"], "e-1"]
