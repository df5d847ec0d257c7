"""Alerts over real processes: a short-dated receipt and a recall made through the
inventory API reach the alerts projector through Kafka, are listed by the alerts API,
published to `lotledger.alerts.v1` and delivered, signed, to a webhook receiver; an
excursion published by traceability raises a temperature alert the same way."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from lotledger.shared.contracts import excursions as x
from lotledger.shared.contracts.topics import EXCURSIONS
from lotledger.shared.envelope import CloudEvent
from lotledger.shared.kafka import create_producer
from lotledger.shared.settings import CommonSettings
from lotledger.shared.urls import lot_segment
from tests.support.kafka import read_topic
from tests.support.processes import System
from tests.support.receiver import new_secret, receiving
from tests.support.stock import QA, SCANNER
from tests.support.tokens import bearer
from tests.support.world import COLD, SUPPLIER, fresh_lot

ADMIN = bearer("admin")
SECRET = new_secret()


async def _alerts_of(system: System, **params: Any) -> list[dict[str, Any]]:
    async with system.client("alerts") as alerts:
        response = await alerts.get("/v1/alerts", params=params, headers=ADMIN)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_a_short_dated_receipt_and_a_recall_are_alerted_published_and_delivered(
    system: System,
) -> None:
    lot = fresh_lot("E2EA")
    batch = f"{COLD}/{lot}"
    async with receiving(SECRET) as receiver, system.client("alerts") as alerts:
        created = await alerts.post(
            "/v1/webhooks",
            json={"url": receiver.url, "types": ["near_expiry", "recall"], "secret": SECRET},
            headers=ADMIN,
        )
        assert created.status_code == 201, created.text

        def ours(hits: list[Any]) -> dict[str, dict[str, Any]]:
            return {
                h.body["data"]["alert_type"]: h.body
                for h in hits
                if h.body["data"]["gtin"] == COLD and h.body["data"]["subject"].startswith(batch)
            }

        try:
            async with system.client("inventory") as inventory:
                expiry = (date.today() + timedelta(days=20)).isoformat()
                receipt = {
                    "gtin": COLD,
                    "lot": lot,
                    "expiry": expiry,
                    "qty": 6,
                    "location": "WH1/COLD-A/01",
                    "supplier": SUPPLIER,
                }
                response = await inventory.post("/v1/receipts", json=receipt, headers=SCANNER)
                assert response.status_code == 201, response.text
                await receiver.wait_for(lambda r: "near_expiry" in ours(r.accepted()))
                response = await inventory.post(
                    f"/v1/batches/{COLD}/{lot_segment(lot)}/recall",
                    json={"recall_id": "RC-E2E", "class": "II", "reason": "label-error"},
                    headers=QA,
                )
                assert response.status_code == 201, response.text

            await receiver.wait_for(lambda r: set(ours(r.accepted())) == {"near_expiry", "recall"})
            assert all(h.signed for h in receiver.hits)
            delivered = ours(receiver.accepted())
            assert delivered["near_expiry"]["data"]["tier"] == "30d"
            assert delivered["recall"]["data"]["details"]["class"] == "II"

            listed = {
                a["type"]: a
                for a in await _alerts_of(system, gtin=COLD, status="open")
                if a["subject"].startswith(batch)
            }
            recall = listed["recall"]
            assert recall["subject"] == batch
            ack = await alerts.post(f"/v1/alerts/{recall['alert_id']}/ack", headers=QA)
            assert (ack.status_code, ack.json()["acknowledged_by"]) == (200, "tester")

            topic = system.infra.topic_prefix + "lotledger.alerts.v1"
            published = await read_topic(
                system.infra.kafka_bootstrap,
                topic,
                until=lambda ms: any(
                    m["subject"] == recall["alert_id"] and m["data"]["status"] == "acknowledged"
                    for m in ms
                ),
            )
            kinds = [m["type"] for m in published if m["subject"] == recall["alert_id"]]
            assert kinds == ["lotledger.alert.raised.v1", "lotledger.alert.acknowledged.v1"]
        finally:
            webhook_id = created.json()["webhook_id"]
            await alerts.delete(f"/v1/webhooks/{webhook_id}", headers=ADMIN)


async def test_an_excursion_from_traceability_raises_a_temperature_alert(system: System) -> None:
    excursion_id = str(uuid.uuid4())
    now = datetime.now(UTC)
    started = x.ExcursionStarted(
        excursion_id=excursion_id,
        location="WH1/COLD-A/01",
        sensor="T-E2E-1",
        kind=x.ExcursionKind.TEMPERATURE_LOW,
        limit=2.0,
        started_at=now - timedelta(minutes=3),
        peak=0.5,
        readings=3,
        exposed_lots=[x.ExposedLot(gtin=COLD, lot="E2E-X", qty=4)],
    )
    event = CloudEvent(
        id=uuid.uuid4(),
        source="/traceability/WH1",
        type=x.STARTED,
        subject=started.location,
        time=now,
        data=started.as_data(),
    )
    settings = CommonSettings(
        kafka_bootstrap=system.infra.kafka_bootstrap, topic_prefix=system.infra.topic_prefix
    )
    producer = create_producer(settings, "e2e-traceability")
    await producer.start()
    try:
        await producer.send_and_wait(
            settings.topic(EXCURSIONS), event.to_json(), key=started.location.encode()
        )
    finally:
        await producer.stop()

    async def raised() -> list[dict[str, Any]]:
        return [
            a
            for a in await _alerts_of(system, type="temperature_excursion")
            if a["subject"] == excursion_id
        ]

    async with asyncio.timeout(30):
        while True:
            if found := await raised():
                break
            await asyncio.sleep(0.1)
    assert (found[0]["severity"], found[0]["warehouse"]) == ("critical", "WH1")
    assert found[0]["details"]["exposed_lots"] == [{"gtin": COLD, "lot": "E2E-X", "qty": 4}]
