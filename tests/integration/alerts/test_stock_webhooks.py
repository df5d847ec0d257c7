"""Stock events over webhooks, for ERPs without Kafka: the same signed, retried, durable
deliveries as alert webhooks, carrying the very CloudEvents Kafka carries, in stream order
per batch, and only the types subscribed to."""

from __future__ import annotations

import asyncio
from collections import Counter

from tests.integration.alerts.steps import pick, product, receive
from tests.integration.alerts.world import ADMIN, AlertsWorld, fresh_gtin
from tests.support.receiver import new_secret, receiving
from tests.support.world import fresh_lot

SECRET = new_secret()


async def test_stock_events_reach_subscribers_signed_in_order(world: AlertsWorld) -> None:
    gtin, lot = fresh_gtin(), fresh_lot("SW")
    async with receiving(SECRET) as everything, receiving(SECRET) as picks_only:
        hooks = []
        for receiver, events in (
            (everything, ["lotledger.stock.*"]),
            (picks_only, ["lotledger.stock.picked.v1"]),
        ):
            response = await world.api.post(
                "/v1/webhooks",
                headers=ADMIN,
                json={"url": receiver.url, "stock_events": events, "secret": SECRET},
            )
            assert response.status_code == 201, response.text
            assert response.json()["stock_events"] == events
            hooks.append(response.json()["webhook_id"])
        try:
            await product(world, gtin, reorder_point=5)
            await receive(world, gtin, lot, 20, "2027-09-30")
            await pick(world, gtin, lot, 3)
            await pick(world, gtin, lot, 4)
            subject = f"{gtin}/{lot}"
            await everything.wait_for(
                lambda r: sum(h.body.get("subject") == subject for h in r.accepted()) >= 3
            )
            await picks_only.wait_for(
                lambda r: sum(h.body.get("subject") == subject for h in r.accepted()) >= 2
            )
            await asyncio.sleep(1.0)
        finally:
            for hook in hooks:
                await world.api.delete(f"/v1/webhooks/{hook}", headers=ADMIN)

    ours = [h for h in everything.hits if h.body.get("subject") == subject]
    assert all(h.signed for h in ours)
    assert [h.body["type"] for h in ours] == [
        "lotledger.stock.received.v1",
        "lotledger.stock.picked.v1",
        "lotledger.stock.picked.v1",
    ]
    assert [h.body["streamversion"] for h in ours] == [1, 2, 3]
    assert max(Counter(h.delivery_id for h in ours).values()) == 1
    assert all(len(h.body["hash"]) == 64 for h in ours)
    picks = [h for h in picks_only.hits if h.body.get("subject") == subject]
    assert [h.body["data"]["qty"] for h in picks] == [3, 4]
    assert not [
        h
        for h in everything.hits + picks_only.hits
        if h.body["type"].startswith("lotledger.alert.")
    ], "stock-only subscribers got alerts"


async def test_unknown_stock_event_types_are_refused(world: AlertsWorld) -> None:
    response = await world.api.post(
        "/v1/webhooks",
        headers=ADMIN,
        json={
            "url": "http://127.0.0.1:9/hook",
            "stock_events": ["lotledger.stock.teleported.v1"],
            "secret": SECRET,
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"].startswith("stock_events")
