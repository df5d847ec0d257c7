"""The relay records its Kafka offsets at most every `record_every_s`, not with every
delete. A relay that fails after sending and before deleting recovers from offsets older
than what it sent: it reads further, finds every row it sent, and Kafka still holds each
event once, in per-batch order."""

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer

from lotledger.inventory.bootstrap import create_app
from lotledger.inventory.entrypoints.relay import Relay
from lotledger.shared.outbox import OutboxMessage
from lotledger.shared.publishing import Reached
from tests.support.apps import serve
from tests.support.infra import Infra
from tests.support.kafka import read_topic
from tests.support.private import private_inventory, settings_for
from tests.support.relay import outbox_size, pick, receipt, versions_by_subject
from tests.support.tokens import bearer
from tests.support.world import seed_catalog

SCANNER = bearer("scanner", warehouses=["WH1"])
LOTS = 20


@pytest.fixture(scope="module")
async def world() -> AsyncIterator[Infra]:
    async with private_inventory() as infra:
        yield infra


class FailsOnceAfterSending(Relay):
    """Sends its first batch, then fails before the rows are deleted."""

    failed = False

    async def _send(self, producer: AIOKafkaProducer, batch: list[OutboxMessage]) -> Reached:
        reached = await super()._send(producer, batch)
        if not self.failed:
            self.failed = True
            raise RuntimeError("lost the database after sending")
        return reached


async def _recorded(infra: Infra) -> int:
    conn = await asyncpg.connect(infra.url("inventory", driver="postgresql"))
    try:
        return int(
            await conn.fetchval("SELECT COALESCE(max(next_offset), 0) FROM inventory.relay_offsets")
        )
    finally:
        await conn.close()


async def _drain(relay: Relay, infra: Infra) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop))
    try:
        async with asyncio.timeout(60):
            while await outbox_size(infra):
                await asyncio.sleep(0.05)
    finally:
        stop.set()
        await task


async def test_offsets_recorded_late_still_bring_every_event_once_in_order(world: Infra) -> None:
    settings = settings_for(world)
    lots = [f"LATE{i:03d}" for i in range(LOTS)]
    async with serve(create_app(settings)) as client:
        await seed_catalog(client, bearer("admin"))
        first = await client.post(
            "/v1/operations",
            headers=SCANNER,
            json={"operations": [receipt(lot, 5) for lot in lots]},
        )
        assert first.json()["refused"] == 0
        relay = Relay(settings, idle_wait_s=0.1)
        relay.record_every_s = 3600.0
        await _drain(relay, world)
        assert await _recorded(world) == 0, "offsets were recorded with the deletes"

        second = await client.post(
            "/v1/operations",
            headers=SCANNER,
            json={"operations": [pick(lot, n) for n in range(3) for lot in lots]},
        )
        assert second.json()["refused"] == 0
        failing = FailsOnceAfterSending(settings, idle_wait_s=0.1)
        failing.record_every_s = 3600.0
        await _drain(failing, world)
        assert failing.failed

        relay = Relay(settings, idle_wait_s=0.1)
        relay.record_every_s = 0.0
        third = await client.post(
            "/v1/operations",
            headers=SCANNER,
            json={"operations": [pick(lot, 3) for lot in lots]},
        )
        assert third.json()["refused"] == 0
        await _drain(relay, world)
        assert await _recorded(world) > 0, "offsets are recorded once due"

    expected = LOTS * 5
    messages = await read_topic(
        world.kafka_bootstrap,
        settings.topic("lotledger.stock.v1"),
        until=lambda ms: len(ms) >= expected,
        timeout_s=60,
    )
    stock = [m for m in messages if m["type"].startswith("lotledger.stock.")]
    ids = [m["id"] for m in stock]
    assert len(ids) == len(set(ids)) == expected, "an event is missing or doubled"
    assert versions_by_subject(stock) == {f"{m['subject']}": [1, 2, 3, 4, 5] for m in stock}
