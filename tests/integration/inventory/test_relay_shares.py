"""Several relays at once (issue 17 item 2, docs/adr/0018-relay-shares.md): two relays
split the stock events' slots and both publish; one SIGKILLed under load has its slots taken by
the survivor within the 10 s promise; a restarted relay gets its share back; Kafka holds
every event once, in per-batch order."""

import asyncio
import signal
import time
import uuid
from collections.abc import AsyncIterator

import asyncpg
import orjson
import pytest

from lotledger.inventory.bootstrap import create_app
from lotledger.inventory.entrypoints.relay import Relay
from lotledger.shared.kafka import create_producer
from lotledger.shared.outbox import Outbox
from lotledger.shared.relay import OutboxRelay
from lotledger.shared.relay_slots import SLOTS
from tests.support.apps import serve
from tests.support.infra import Infra
from tests.support.kafka import read_topic
from tests.support.private import private_inventory, settings_for
from tests.support.relay import (
    pick,
    receipt,
    slots_by_relay,
    spawn_relay,
    unpublished,
    until_slots_split,
    versions_by_subject,
)
from tests.support.stock import post_operations
from tests.support.tokens import bearer
from tests.support.world import COLD, seed_catalog

SCANNER = bearer("scanner", warehouses=["WH1"])
LOTS = 64
PICKS = 120
TAKEOVER_PROMISE_S = 10.0


@pytest.fixture(scope="module")
async def world() -> AsyncIterator[Infra]:
    async with private_inventory() as infra:
        yield infra


async def _cursors(infra: Infra) -> dict[int, tuple[str, int]]:
    conn = await asyncpg.connect(infra.url("inventory", driver="postgresql"))
    try:
        rows = await conn.fetch("SELECT slot, tx::text, position FROM inventory.relay_cursors")
    finally:
        await conn.close()
    return {r["slot"]: (r["tx"], r["position"]) for r in rows}


async def _until_each_published(infra: Infra, split: dict[int, set[int]]) -> None:
    """Each relay moves the cursors of its own slots (only a slot's holder moves it) while
    the split holds: both publish at once."""
    url = infra.url("inventory", driver="postgresql")
    publishing: set[int] = set()
    async with asyncio.timeout(120):
        while publishing != set(split):
            before = await _cursors(infra)
            await asyncio.sleep(0.05)
            now = await _cursors(infra)
            assert await slots_by_relay(url) == split, "the split changed meanwhile"
            publishing |= {
                pid for pid, held in split.items() if any(before[s] != now[s] for s in held)
            }


async def test_two_relays_share_the_slots_and_one_killed_under_load_loses_and_doubles_nothing(
    world: Infra,
) -> None:
    settings = settings_for(world)
    url = world.url("inventory", driver="postgresql")
    lots = [f"SHARE{i:03d}" for i in range(LOTS)]
    async with serve(create_app(settings)) as client:
        await seed_catalog(client, bearer("admin"))
        operations = [receipt(lot, PICKS) for lot in lots]
        operations += [pick(lot, n) for n in range(PICKS) for lot in lots]

        a = await spawn_relay(world, batch_size=2)
        b = await spawn_relay(world, batch_size=2)
        try:
            split = await until_slots_split(url, 2)
            load = asyncio.create_task(post_operations(client, operations))
            await _until_each_published(world, split)
            a.send_signal(signal.SIGKILL)
            await a.wait()
            killed_at = time.monotonic()
            assert await unpublished(world) > 0, "the kill did not land mid-stream"
            survivor = await until_slots_split(url, 1, timeout_s=60)
            takeover_s = time.monotonic() - killed_at
            assert takeover_s < TAKEOVER_PROMISE_S, f"takeover took {takeover_s:.1f} s"
            assert len(next(iter(survivor.values()))) == SLOTS
            await load

            c = await spawn_relay(world, batch_size=10)
            try:
                back = await until_slots_split(url, 2)
                assert sorted(len(s) for s in back.values()) == [SLOTS // 2, SLOTS // 2]
                async with asyncio.timeout(120):
                    while await unpublished(world):
                        await asyncio.sleep(0.1)
            finally:
                c.send_signal(signal.SIGTERM)
                await c.wait()
        finally:
            for relay in (a, b):
                if relay.returncode is None:
                    relay.send_signal(signal.SIGTERM)
                    await relay.wait()

    expected = LOTS * (1 + PICKS)
    messages = await read_topic(
        world.kafka_bootstrap,
        settings.topic("lotledger.stock.v1"),
        until=lambda ms: len(ms) >= expected,
        timeout_s=60,
    )
    ids = [m["id"] for m in messages]
    assert len(ids) == expected
    assert len(set(ids)) == expected, "an event reached Kafka twice"
    streams = versions_by_subject(messages)
    assert set(streams) == {f"{COLD}/{lot}" for lot in lots}
    for versions in streams.values():
        assert versions == list(range(1, PICKS + 2))


async def test_a_slots_recovery_finds_its_sent_rows_below_another_slots_recorded_offset(
    world: Infra,
) -> None:
    """Relay B sent a row of its slot and died before deleting it; relay A then published
    a row of its own slot to the same partition, at a higher offset, and recorded it.
    Recovering B's slot reads from B's slot's offsets, finds the row in Kafka and removes
    it, so it is not sent twice (a per-partition offset would have skipped it)."""
    settings = settings_for(world)
    topic = settings.topic("lotledger.catalog.v1")
    conn = await asyncpg.connect(world.url("inventory", driver="postgresql"))
    await conn.execute("SET search_path = inventory")
    producer = create_producer(settings, "test-relay-shares")
    await producer.start()
    try:
        keys = await conn.fetch(
            "SELECT DISTINCT ON (hashtext(k) & 31) k, hashtext(k) & 31 AS slot "
            "FROM (SELECT 'late-' || n AS k FROM generate_series(1, 100) n) x LIMIT 2"
        )
        (b_key, b_slot), (a_key, a_slot) = ((r["k"], r["slot"]) for r in keys)
        b_row, a_row = uuid.uuid4(), uuid.uuid4()
        for key, event in ((b_key, b_row), (a_key, a_row)):
            await conn.execute(
                "INSERT INTO outbox (topic, key, event_id, payload) VALUES ($1, $2, $3, $4)",
                topic,
                key,
                event,
                orjson.dumps({"id": str(event)}),
            )
        outbox = Outbox(conn)
        await producer.send_and_wait(
            topic, orjson.dumps({"id": str(b_row)}), key=b_key.encode(), partition=0
        )
        a_sent = await producer.send_and_wait(
            topic, orjson.dumps({"id": str(a_row)}), key=a_key.encode(), partition=0
        )
        [a_message] = await outbox.next_batch({a_slot}, 10)
        await outbox.published([a_message], {(topic, 0): a_sent.offset + 1}, {a_slot})

        assert await Relay(settings).outbox.recover(outbox, {b_slot}) == 1
        assert await outbox.next_batch({b_slot}, 10) == []
        assert await conn.fetchval("SELECT count(*) FROM outbox WHERE key = $1", b_key) == 0
    finally:
        await producer.stop()
        await conn.close()


class Companion(OutboxRelay):
    """A relay whose `while_active` work records that it runs."""

    running: set[int] = set()

    async def while_active(self, stop: asyncio.Event) -> None:
        Companion.running.add(id(self))
        try:
            await stop.wait()
        finally:
            Companion.running.discard(id(self))


async def test_the_companion_work_runs_in_one_relay_and_moves_when_it_stops(world: Infra) -> None:
    settings = settings_for(world)
    url = world.url("inventory", driver="postgresql")
    config = Relay(settings).events.config
    relays = [Companion(settings, config, idle_wait_s=0.1, rebalance_s=0.2) for _ in range(2)]
    stops = [asyncio.Event(), asyncio.Event()]
    tasks = [asyncio.create_task(r.run(s)) for r, s in zip(relays, stops, strict=True)]
    try:
        await until_slots_split(url, 2, timeout_s=30)
        async with asyncio.timeout(10):
            while not Companion.running:
                await asyncio.sleep(0.05)
        await asyncio.sleep(1.0)
        assert len(Companion.running) == 1, "after five looks of each relay"
        first = next(i for i, r in enumerate(relays) if id(r) in Companion.running)
        stops[first].set()
        await tasks[first]
        await until_slots_split(url, 1, timeout_s=30)
        async with asyncio.timeout(10):
            while Companion.running != {id(relays[1 - first])}:
                await asyncio.sleep(0.05)
    finally:
        for stop in stops:
            stop.set()
        await asyncio.gather(*tasks)
