"""What a receiver verifying with the Standard Webhooks library refuses (a replayed,
tampered or stale request), and a subscription with a legacy secret, verified by the
library with the same key and still carrying its old signature (ADR 0006)."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import httpx
from standardwebhooks import Webhook

from lotledger.alerts.domain.webhook_secrets import as_standard
from tests.integration.alerts.hooks import about, subscribed
from tests.integration.alerts.steps import product, receive
from tests.integration.alerts.world import ADMIN, AlertsWorld, fresh_gtin
from tests.support.world import fresh_lot


async def test_a_replayed_tampered_or_stale_request_is_refused_by_the_receiver(
    world: AlertsWorld,
) -> None:
    gtin, lot = fresh_gtin(), fresh_lot("WP")
    async with subscribed(world, ["overstock"]) as (receiver, _):
        await product(world, gtin, max_stock=10)
        await receive(world, gtin, lot, 15, "2027-09-30")
        await receiver.wait_for(lambda r: len(about(r.accepted(), gtin)) == 1)
        (delivered,) = about(receiver.hits, gtin)
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
        assert len(about(receiver.accepted(), gtin)) == 1


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
        await receiver.wait_for(lambda r: len(about(r.accepted(), gtin)) == 1)
        (hit,) = about(receiver.hits, gtin)
        expected = hmac.new(legacy.encode(), hit.raw, hashlib.sha256).hexdigest()
        assert hit.headers["x-lotledger-signature"] == f"sha256={expected}"
        assert hit.headers["x-lotledger-delivery"] == hit.headers["webhook-id"]
