"""Signed webhooks to a real HTTP receiver on 127.0.0.1 that verifies them with the
Standard Webhooks library: a delivery answered 500 twice succeeds on retry under the same
webhook-id with every attempt logged, a healthy receiver never gets one delivery id
twice, and a subscription that keeps failing is marked and raises webhook_failing, which
it does not receive itself. Replays and legacy secrets: test_webhook_verification."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Any

from tests.integration.alerts.hooks import about, subscribed
from tests.integration.alerts.steps import pick, product, receive
from tests.integration.alerts.world import ADMIN, AlertsWorld, fresh_gtin
from tests.support.receiver import Receiver, new_secret
from tests.support.world import fresh_lot


async def _log(world: AlertsWorld, webhook_id: str) -> list[dict[str, Any]]:
    response = await world.api.get(f"/v1/webhooks/{webhook_id}/deliveries", headers=ADMIN)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def _delivered(world: AlertsWorld, webhook_id: str, delivery_id: str) -> dict[str, Any]:
    """The delivery's log entry once the deliverer has recorded it as delivered."""

    async def done() -> dict[str, Any] | None:
        entries = [d for d in await _log(world, webhook_id) if d["delivery_id"] == delivery_id]
        return entries[0] if entries and entries[0]["status"] == "delivered" else None

    return await world.until(done)


async def test_signed_deliveries_reach_a_healthy_receiver_once_per_delivery_id(
    world: AlertsWorld,
) -> None:
    gtin, lot = fresh_gtin(), fresh_lot("WH")
    async with subscribed(world, ["low_stock", "stock_out"]) as (receiver, webhook_id):
        await product(world, gtin, reorder_point=10)
        await receive(world, gtin, lot, 20, "2027-09-30")
        await pick(world, gtin, lot, 15)
        await receiver.wait_for(lambda r: len(about(r.accepted(), gtin)) >= 1)
        await pick(world, gtin, lot, 5)
        await receiver.wait_for(lambda r: len(about(r.accepted(), gtin)) >= 3)
        await asyncio.sleep(1.5)

        ours = about(receiver.hits, gtin)
        assert all(h.signed and h.accepted for h in ours)
        assert max(Counter(h.delivery_id for h in ours).values()) == 1
        for hit in ours:
            assert hit.headers["webhook-signature"].startswith("v1,")
            assert abs(int(hit.headers["webhook-timestamp"]) - time.time()) < 60
            assert "x-lotledger-signature" not in hit.headers
        changes = [(h.body["data"]["alert_type"], h.body["type"].split(".")[2]) for h in ours]
        assert sorted(changes) == [
            ("low_stock", "raised"),
            ("low_stock", "resolved"),
            ("stock_out", "raised"),
        ]
        assert [c for c in changes if c[0] == "low_stock"] == sorted(
            c for c in changes if c[0] == "low_stock"
        )
        assert all(h.body["subject"] == h.body["data"]["alert_id"] for h in ours)
        log = [await _delivered(world, webhook_id, h.delivery_id) for h in ours]
        assert all(d["attempts"] == 1 for d in log)
        assert all([a["status_code"] for a in d["log"]] == [204] for d in log)


async def test_a_receiver_that_checks_another_secret_refuses_and_the_delivery_is_retried(
    world: AlertsWorld,
) -> None:
    gtin, lot = fresh_gtin(), fresh_lot("WS")
    async with subscribed(world, ["overstock"]) as (receiver, _):
        receiver.secret = new_secret()
        await product(world, gtin, max_stock=10)
        await receive(world, gtin, lot, 15, "2027-09-30")
        await receiver.wait_for(lambda r: len(about(r.hits, gtin)) >= 2)
        assert {(h.signed, h.answered) for h in about(receiver.hits, gtin)} == {(False, 401)}


async def test_a_delivery_answered_500_twice_succeeds_on_the_third_attempt(
    world: AlertsWorld,
) -> None:
    gtin, lot = fresh_gtin(), fresh_lot("WR")
    async with subscribed(world, ["overstock"]) as (receiver, webhook_id):
        receiver.fail_first(2)
        await product(world, gtin, max_stock=10)
        await receive(world, gtin, lot, 15, "2027-09-30")
        await receiver.wait_for(lambda r: len(about(r.accepted(), gtin)) == 1)
        ours = about(receiver.hits, gtin)
        assert [h.answered for h in ours] == [500, 500, 204]
        assert all(h.signed for h in ours)
        assert len({h.delivery_id for h in ours}) == 1
        assert len({h.headers["webhook-id"] for h in ours}) == 1
        assert len({h.body["id"] for h in ours}) == 1

        delivery = await _delivered(world, webhook_id, ours[0].delivery_id)
        assert delivery["attempts"] == 3
        assert [(a["attempt"], a["status_code"]) for a in delivery["log"]] == [
            (1, 500),
            (2, 500),
            (3, 204),
        ]
        assert delivery["log"][0]["error"] == "HTTP 500"
        assert all(a["duration_ms"] >= 0 for a in delivery["log"])


async def test_a_failing_subscription_is_marked_and_raises_webhook_failing_it_does_not_receive(
    world: AlertsWorld,
) -> None:
    gtin, lot = fresh_gtin(), fresh_lot("WF")
    async with (
        subscribed(world, ["overstock", "webhook_failing"]) as (bad, bad_id),
        subscribed(world, ["webhook_failing"]) as (good, _),
    ):
        bad.always = 500
        await product(world, gtin, max_stock=10)
        await receive(world, gtin, lot, 15, "2027-09-30")

        def failing_raised(r: Receiver) -> bool:
            return any(
                h.body["data"]["subject"] == bad_id and h.body["data"]["status"] == "raised"
                for h in r.accepted()
            )

        await good.wait_for(failing_raised)
        listed = (await world.api.get(f"/v1/webhooks/{bad_id}", headers=ADMIN)).json()
        assert listed["failing"] is True
        assert listed["consecutive_failures"] >= 3

        bad.always = None

        def failing_resolved(r: Receiver) -> bool:
            return any(
                h.body["data"]["subject"] == bad_id and h.body["data"]["status"] == "resolved"
                for h in r.accepted()
            )

        await good.wait_for(failing_resolved)
        assert not [h for h in bad.hits if h.body["data"]["alert_type"] == "webhook_failing"]
        assert len(about(bad.accepted(), gtin)) == 1
        listed = (await world.api.get(f"/v1/webhooks/{bad_id}", headers=ADMIN)).json()
        assert (listed["failing"], listed["consecutive_failures"]) == (False, 0)
