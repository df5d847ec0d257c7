"""Signed webhooks to a real HTTP receiver on 127.0.0.1 that verifies them with the
Standard Webhooks library: deliveries are verified, a replayed, tampered or stale request
is refused, a delivery answered 500 twice succeeds on retry under the same webhook-id
with every attempt logged, a healthy receiver never gets one delivery id twice, a legacy
subscription also gets its old signature, and a subscription that keeps failing is
marked and raises webhook_failing, which it does not receive itself."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from standardwebhooks import Webhook

from lotledger.alerts.domain.webhook_secrets import as_standard
from tests.integration.alerts.steps import pick, product, receive
from tests.integration.alerts.world import ADMIN, AlertsWorld, fresh_gtin
from tests.support.receiver import Hit, Receiver, new_secret, receiving
from tests.support.world import fresh_lot

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


def _about(hits: Iterable[Hit], gtin: str) -> list[Hit]:
    return [h for h in hits if h.body["data"].get("gtin") == gtin]


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
        await receiver.wait_for(lambda r: len(_about(r.accepted(), gtin)) >= 1)
        await pick(world, gtin, lot, 5)
        await receiver.wait_for(lambda r: len(_about(r.accepted(), gtin)) >= 3)
        await asyncio.sleep(1.5)

        ours = _about(receiver.hits, gtin)
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
        await receiver.wait_for(lambda r: len(_about(r.hits, gtin)) >= 2)
        assert {(h.signed, h.answered) for h in _about(receiver.hits, gtin)} == {(False, 401)}


async def test_a_delivery_answered_500_twice_succeeds_on_the_third_attempt(
    world: AlertsWorld,
) -> None:
    gtin, lot = fresh_gtin(), fresh_lot("WR")
    async with subscribed(world, ["overstock"]) as (receiver, webhook_id):
        receiver.fail_first(2)
        await product(world, gtin, max_stock=10)
        await receive(world, gtin, lot, 15, "2027-09-30")
        await receiver.wait_for(lambda r: len(_about(r.accepted(), gtin)) == 1)
        ours = _about(receiver.hits, gtin)
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
        assert len(_about(bad.accepted(), gtin)) == 1
        listed = (await world.api.get(f"/v1/webhooks/{bad_id}", headers=ADMIN)).json()
        assert (listed["failing"], listed["consecutive_failures"]) == (False, 0)


async def test_a_replayed_tampered_or_stale_request_is_refused_by_the_receiver(
    world: AlertsWorld,
) -> None:
    gtin, lot = fresh_gtin(), fresh_lot("WP")
    async with subscribed(world, ["overstock"]) as (receiver, _):
        await product(world, gtin, max_stock=10)
        await receive(world, gtin, lot, 15, "2027-09-30")
        await receiver.wait_for(lambda r: len(_about(r.accepted(), gtin)) == 1)
        (delivered,) = _about(receiver.hits, gtin)
        async with httpx.AsyncClient() as attacker:

            async def send(headers: dict[str, str], body: bytes) -> int:
                response = await attacker.post(receiver.url, headers=headers, content=body)
                return response.status_code

            captured = {k: v for k, v in delivered.headers.items() if k.startswith("webhook-")}
            assert await send(captured, delivered.raw) == 200
            tampered = delivered.raw.replace(b'"status":"raised"', b'"status":"resolved"')
            assert tampered != delivered.raw
            assert await send(captured, tampered) == 401
            stale = datetime.now(UTC) - timedelta(minutes=6)
            resigned = {
                "webhook-id": "a-fresh-id",
                "webhook-timestamp": str(int(stale.timestamp())),
                "webhook-signature": Webhook(receiver.secret).sign(
                    "a-fresh-id", stale, delivered.raw.decode()
                ),
            }
            assert await send(resigned, delivered.raw) == 401
        (replayed,) = [h for h in receiver.hits if h.replayed]
        assert (replayed.delivery_id, replayed.signed, replayed.accepted) == (
            delivered.delivery_id,
            True,
            False,
        )
        refused = [h for h in receiver.hits if h.raw == tampered or h.delivery_id == "a-fresh-id"]
        assert [(h.signed, h.answered) for h in refused] == [(False, 401), (False, 401)]
        assert len(_about(receiver.accepted(), gtin)) == 1


async def test_a_legacy_subscription_is_verified_by_the_library_and_keeps_its_old_signature(
    world: AlertsWorld,
) -> None:
    legacy = "a-free-text-secret-from-before-0006"
    gtin, lot = fresh_gtin(), fresh_lot("WL")
    async with subscribed(world, ["overstock"]) as (receiver, webhook_id):
        await world.sql(
            "UPDATE subscriptions SET secret_format = 'legacy', secret_sealed = $2 "
            "WHERE subscription_id = $1::uuid",
            webhook_id,
            world.runtime.box.seal(legacy),
        )
        receiver.secret = as_standard(legacy)
        listed = (await world.api.get(f"/v1/webhooks/{webhook_id}", headers=ADMIN)).json()
        assert listed["legacy_signature"] is True
        await product(world, gtin, max_stock=10)
        await receive(world, gtin, lot, 15, "2027-09-30")
        await receiver.wait_for(lambda r: len(_about(r.accepted(), gtin)) == 1)
        (hit,) = _about(receiver.hits, gtin)
        expected = hmac.new(legacy.encode(), hit.raw, hashlib.sha256).hexdigest()
        assert hit.headers["x-lotledger-signature"] == f"sha256={expected}"
        assert hit.headers["x-lotledger-delivery"] == hit.headers["webhook-id"]
