"""A real receiver subscribed to alert types, for the webhook tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

from tests.integration.alerts.world import ADMIN, AlertsWorld
from tests.support.receiver import Hit, Receiver, new_secret, receiving

SECRET = new_secret()


@asynccontextmanager
async def subscribed(
    world: AlertsWorld, types: Iterable[str], secret: str = SECRET
) -> AsyncIterator[tuple[Receiver, str]]:
    async with receiving(secret) as receiver:
        response = await world.api.post(
            "/v1/webhooks",
            json={"url": receiver.url, "types": list(types), "secret": secret},
            headers=ADMIN,
        )
        assert response.status_code == 201, response.text
        webhook_id = response.json()["webhook_id"]
        try:
            yield receiver, webhook_id
        finally:
            await world.api.delete(f"/v1/webhooks/{webhook_id}", headers=ADMIN)


def about(hits: Iterable[Hit], gtin: str) -> list[Hit]:
    return [h for h in hits if h.body["data"].get("gtin") == gtin]
