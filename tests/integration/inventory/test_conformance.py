"""Every message lotledger put on the real broker parses with the official CloudEvents
SDK (Kafka binding, structured mode) and its `data` validates against its JSON Schema."""

import json
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer
from cloudevents.core.bindings.kafka import KafkaMessage, from_kafka
from cloudevents.core.formats.json import JSONFormat
from jsonschema import Draft202012Validator

from lotledger.inventory.entrypoints.relay import Relay
from lotledger.inventory.settings import InventorySettings
from lotledger.shared.contracts import topics
from lotledger.shared.contracts.catalogue import BY_TYPE, CONTRACTS_DIR
from lotledger.shared.kafka import partitions_of
from lotledger.shared.urls import lot_segment
from tests.integration.inventory.conftest import TODAY
from tests.support.kafka import read_topic
from tests.support.stock import QA, SCANNER, receive
from tests.support.tokens import bearer
from tests.support.world import COLD, PHARMACIES, fresh_lot, sensor_of


async def _every_kind_of_event(inventory: httpx.AsyncClient) -> str:
    lot = fresh_lot("CE")
    await receive(inventory, COLD, lot, 20)
    posts: list[tuple[str, dict[str, Any]]] = [
        (
            "/v1/moves",
            {
                "gtin": COLD,
                "lot": lot,
                "qty": 2,
                "from_location": "WH1/COLD-A/01",
                "to_location": "WH1/COLD-A/02",
            },
        ),
        (
            "/v1/picks",
            {
                "gtin": COLD,
                "lot": lot,
                "qty": 1,
                "location": "WH1/COLD-A/01",
                "order_ref": "SO-CE",
                "ship_to": PHARMACIES[0],
            },
        ),
        (
            "/v1/adjustments",
            {
                "gtin": COLD,
                "lot": lot,
                "location": "WH1/COLD-A/01",
                "delta": -1,
                "reason": "damaged",
            },
        ),
        ("/v1/counts", {"gtin": COLD, "lot": lot, "location": "WH1/COLD-A/01", "counted_qty": 15}),
        (
            "/v1/disposals",
            {
                "gtin": COLD,
                "lot": lot,
                "qty": 1,
                "location": "WH1/COLD-A/02",
                "reason": "damaged",
                "witness": "emp-7",
            },
        ),
        (
            "/v1/returns",
            {
                "gtin": COLD,
                "lot": lot,
                "qty": 1,
                "location": "WH1/COLD-Q/01",
                "from_party": PHARMACIES[0],
                "reason": "wrong-item",
            },
        ),
    ]
    for path, body in posts:
        assert (await inventory.post(path, json=body, headers=SCANNER)).status_code == 201
    held = {"gtin": COLD, "lot": lot, "location": "WH1/COLD-Q/01", "from_status": "returned"}
    released = await inventory.post("/v1/holdings/release", json=held, headers=QA)
    assert released.status_code == 201, released.text
    offline = await inventory.post(
        "/v1/operations",
        headers=SCANNER,
        json={
            "operations": [
                {
                    "op": "pick",
                    "client_op_id": f"ce-{lot}",
                    "gtin": COLD,
                    "lot": lot,
                    "qty": 999,
                    "location": "WH1/COLD-A/01",
                    "order_ref": "SO-CE",
                    "ship_to": PHARMACIES[0],
                }
            ]
        },
    )
    assert offline.json()["results"][0]["status"] == 409, offline.text
    actions: tuple[tuple[str, dict[str, Any]], ...] = (
        ("quarantine", {"reason": "audit"}),
        ("release", {}),
        ("reject", {"reason": "failed-qc"}),
        ("recall", {"recall_id": "RC-CE", "class": "I", "reason": "sterility"}),
    )
    for action, body in actions:
        assert (
            await inventory.post(
                f"/v1/batches/{COLD}/{lot_segment(lot)}/{action}", json=body, headers=QA
            )
        ).status_code == 201
    reading = {
        "sensor": sensor_of("WH1/COLD-A/01"),
        "location": "WH1/COLD-A/01",
        "at": TODAY.isoformat(),
        "temperature_c": 5.0,
        "humidity_pct": 40.0,
    }
    assert (
        await inventory.post(
            "/v1/telemetry/readings", json={"readings": [reading]}, headers=bearer("sensor")
        )
    ).status_code == 202
    return f"{COLD}/{lot}"


async def _raw_messages(bootstrap: str, topic: str) -> list[Any]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = await partitions_of(bootstrap, topic)
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        records: list[Any] = []
        while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                records.extend(batch)
        return records
    finally:
        await consumer.stop()


def _validator(event_type: str) -> Draft202012Validator:
    path = CONTRACTS_DIR / "schemas" / BY_TYPE[event_type].schema_file
    return Draft202012Validator(
        json.loads(path.read_text()), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


async def test_every_message_is_a_conforming_cloudevent(
    inventory: httpx.AsyncClient, inventory_settings: InventorySettings, relay: Relay
) -> None:
    subject = await _every_kind_of_event(inventory)
    stock_topic = inventory_settings.topic(topics.STOCK)
    await read_topic(
        inventory_settings.kafka_bootstrap,
        stock_topic,
        until=lambda ms: any(
            m["subject"] == subject and m["type"].endswith("recalled.v1") for m in ms
        ),
    )
    seen: set[str] = set()
    for logical in (topics.STOCK, topics.CATALOG, topics.TELEMETRY, topics.SYNC):
        for record in await _raw_messages(
            inventory_settings.kafka_bootstrap, inventory_settings.topic(logical)
        ):
            message = KafkaMessage(headers=dict(record.headers), key=record.key, value=record.value)
            assert message.headers["content-type"] == b"application/cloudevents+json"
            event = from_kafka(message, JSONFormat())
            attributes = event.get_attributes()
            assert attributes["specversion"] == "1.0"
            assert attributes["id"]
            assert attributes["source"]
            assert attributes["time"]
            event_type = str(attributes["type"])
            data = event.get_data()
            errors = list(_validator(event_type).iter_errors(data))
            assert not errors, f"{event_type}: {errors[0].message}"
            if logical == topics.STOCK:
                assert attributes["subject"] == record.key.decode()
                assert attributes["streamversion"] >= 1
                assert len(str(attributes["hash"])) == 64
            seen.add(event_type)
    expected = {t for t in BY_TYPE if t.startswith("lotledger.stock.")} | {
        "lotledger.catalog.product_registered.v1",
        "lotledger.catalog.location_registered.v1",
        "lotledger.telemetry.reading.v1",
        "lotledger.sync.conflict_recorded.v1",
    }
    assert expected <= seen, expected - seen
