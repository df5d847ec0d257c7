"""Records on the stock topic that are not events of this relay (not JSON, no id, an id
that is not a UUID, no value) do not stop it: its recovery reads past them and it
publishes every waiting event, once."""

from __future__ import annotations

import asyncio

import orjson
from aiokafka import AIOKafkaConsumer

from lotledger.inventory.bootstrap import create_app
from lotledger.inventory.entrypoints.relay import Relay
from lotledger.shared.contracts.topics import STOCK
from lotledger.shared.kafka import create_producer, partitions_of
from tests.support.apps import serve
from tests.support.private import private_inventory, settings_for
from tests.support.relay import receipt, unpublished
from tests.support.tokens import bearer
from tests.support.world import COLD, seed_catalog

SCANNER = bearer("scanner", warehouses=["WH1"])
FOREIGN = [b"not json", b'{"no": "id"}', b'{"id": "not-a-uuid"}', b"[1, 2]", None]


async def test_foreign_records_on_the_topic_do_not_stop_the_relay() -> None:
    async with private_inventory() as world:
        settings = settings_for(world)
        topic = settings.topic(STOCK)
        producer = create_producer(settings, "foreign")
        await producer.start()
        try:
            for value in FOREIGN:
                await producer.send_and_wait(topic, value, key=f"{COLD}/FOREIGN-1".encode())
        finally:
            await producer.stop()
        async with serve(create_app(settings)) as client:
            await seed_catalog(client, bearer("admin"))
            answer = await client.post(
                "/v1/operations", headers=SCANNER, json={"operations": [receipt("FOREIGN-1", 5)]}
            )
            assert answer.json()["refused"] == 0
        [event] = answer.json()["results"][0]["result"]["events"]

        stop = asyncio.Event()
        relaying = asyncio.create_task(Relay(settings, idle_wait_s=0.1).run(stop))
        try:
            async with asyncio.timeout(30):
                while await unpublished(world):
                    assert not relaying.done(), relaying
                    await asyncio.sleep(0.1)
        finally:
            stop.set()
            await relaying

        values = await _values(world.kafka_bootstrap, topic)
        events = [v for v in values if v not in FOREIGN]
        assert [orjson.loads(v or b"")["id"] for v in events].count(event["id"]) == 1
        assert len(values) == len(FOREIGN) + len(events)


async def _values(bootstrap: str, topic: str) -> list[bytes | None]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, auto_offset_reset="earliest")
    await consumer.start()
    try:
        partitions = await partitions_of(bootstrap, topic)
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        values: list[bytes | None] = []
        while any([await consumer.position(tp) < end for tp, end in ends.items()]):
            for records in (await consumer.getmany(timeout_ms=1000)).values():
                values.extend(r.value for r in records)
        return values
    finally:
        await consumer.stop()
