"""Guarantee 2: every committed event reaches Kafka once per event id, in stream order
per batch, across relay crashes and out-of-order commits."""

import asyncio
import signal
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest

from lotledger.inventory.adapters.unit_of_work import UnitOfWork
from lotledger.inventory.bootstrap import create_app
from lotledger.inventory.entrypoints.relay import Relay
from tests.support.apps import serve
from tests.support.infra import Infra
from tests.support.kafka import read_topic
from tests.support.private import private_inventory, settings_for
from tests.support.relay import pick, receipt, spawn_relay, unpublished, versions_by_subject
from tests.support.stock import post_operations
from tests.support.tokens import bearer
from tests.support.world import COLD, LOCATIONS, PRODUCTS, SUPPLIER, seed_catalog

SCANNER = bearer("scanner", warehouses=["WH1"])
BATCHES = 30
PICKS_PER_BATCH = 120


@pytest.fixture(scope="module")
async def world() -> AsyncIterator[Infra]:
    async with private_inventory() as infra:
        yield infra


async def test_relay_killed_mid_stream_resumes_without_loss_or_duplicates(world: Infra) -> None:
    settings = settings_for(world)
    async with serve(create_app(settings)) as client:
        await seed_catalog(client, bearer("admin"))
        lots = [f"KILL{i:03d}" for i in range(BATCHES)]
        operations = [receipt(lot, PICKS_PER_BATCH) for lot in lots]
        operations += [pick(lot, n) for n in range(PICKS_PER_BATCH) for lot in lots]
        await post_operations(client, operations, SCANNER)
    committed = await unpublished(world)
    catalog = len(PRODUCTS) + 2 * len(LOCATIONS)
    assert committed == BATCHES * (PICKS_PER_BATCH + 1) + catalog, (
        "stock + catalog (a sensor a location)"
    )

    kills = 0
    for _ in range(3):
        relay = await spawn_relay(world)
        before = await unpublished(world)
        for _ in range(600):
            await asyncio.sleep(0.02)
            if await unpublished(world) < before - 150:
                break
        relay.send_signal(signal.SIGKILL)
        await relay.wait()
        kills += 1
    assert 0 < await unpublished(world) < committed, "the kills did not land mid-stream"

    relay = await spawn_relay(world)
    try:
        for _ in range(1500):
            if await unpublished(world) == 0:
                break
            await asyncio.sleep(0.02)
    finally:
        relay.send_signal(signal.SIGTERM)
        await relay.wait()
    assert await unpublished(world) == 0

    topic = settings.topic("lotledger.stock.v1")
    expected_events = BATCHES * (PICKS_PER_BATCH + 1)
    messages = await read_topic(
        world.kafka_bootstrap, topic, until=lambda ms: len(ms) >= expected_events
    )
    ids = [m["id"] for m in messages]
    assert len(ids) == expected_events
    assert len(set(ids)) == expected_events, "an event reached Kafka twice"
    streams = versions_by_subject(messages)
    assert set(streams) == {f"{COLD}/{lot}" for lot in lots}
    for versions in streams.values():
        assert versions == list(range(1, PICKS_PER_BATCH + 2))
    assert kills == 3


class HeldCommit(UnitOfWork):
    """A unit of work whose commit waits for a signal: its event row holds an earlier
    position and transaction id than rows committed meanwhile."""

    inserted = asyncio.Event()
    release = asyncio.Event()

    async def commit(self) -> None:
        HeldCommit.inserted.set()
        await HeldCommit.release.wait()
        await super().commit()


async def test_a_late_commit_with_an_earlier_id_is_not_skipped(world: Infra) -> None:
    """While the slow receipt's transaction is open, the fast receipt committed after it
    waits (the relay's horizon is the oldest open transaction); once the slow one commits,
    both are published, the slow one first in the relay's order."""
    settings = settings_for(world)
    relay = Relay(settings, idle_wait_s=0.1)
    stop = asyncio.Event()
    relay_task = asyncio.create_task(relay.run(stop))
    app = create_app(settings)
    try:
        async with serve(app) as client:
            await seed_catalog(client, bearer("admin"))
            runtime = app.state.runtime
            normal_uow = runtime.uow
            runtime.uow = lambda locking=True: HeldCommit(runtime.engine)
            held = asyncio.create_task(
                client.post(
                    "/v1/receipts",
                    headers=SCANNER,
                    json={
                        "gtin": COLD,
                        "lot": "SLOW-1",
                        "expiry": "2028-01-31",
                        "qty": 1,
                        "location": "WH1/COLD-A/01",
                        "supplier": SUPPLIER,
                    },
                )
            )
            await asyncio.wait_for(HeldCommit.inserted.wait(), 10)
            runtime.uow = normal_uow
            fast = await client.post(
                "/v1/receipts",
                headers=SCANNER,
                json={
                    "gtin": COLD,
                    "lot": "FAST-1",
                    "expiry": "2028-01-31",
                    "qty": 1,
                    "location": "WH1/COLD-A/01",
                    "supplier": SUPPLIER,
                },
            )
            assert fast.status_code == 201
            topic = settings.topic("lotledger.stock.v1")
            await _still_waiting(world, "FAST-1")
            HeldCommit.release.set()
            assert (await held).status_code == 201
            messages = await read_topic(
                world.kafka_bootstrap,
                topic,
                until=lambda ms: any(m["subject"] == f"{COLD}/SLOW-1" for m in ms),
            )
            slow, fast_event = (
                next(m for m in messages if m["subject"] == f"{COLD}/{lot}")
                for lot in ("SLOW-1", "FAST-1")
            )
            assert slow["id"] != fast_event["id"]
            assert await _positions(world, "SLOW-1") < await _positions(world, "FAST-1")
            assert await _tx(world, "SLOW-1") < await _tx(world, "FAST-1")
    finally:
        stop.set()
        await asyncio.wait_for(relay_task, 30)


async def _positions(infra: Infra, lot: str) -> int:
    """The global position (assigned at insert) of a lot's receipt."""
    return int(await _receipt_column(infra, lot, "position"))


async def _tx(infra: Infra, lot: str) -> int:
    """The id of the transaction that wrote a lot's receipt."""
    return int(await _receipt_column(infra, lot, "tx::text"))


async def _receipt_column(infra: Infra, lot: str, column: str) -> Any:
    conn = await asyncpg.connect(infra.url("inventory", driver="postgresql"))
    try:
        return await conn.fetchval(
            f"SELECT {column} FROM inventory.events "  # noqa: S608 (the tests' own names)
            "WHERE stream_id = $1 AND version = 1",
            f"{COLD}/{lot}",
        )
    finally:
        await conn.close()


async def _still_waiting(infra: Infra, lot: str, for_s: float = 1.0) -> None:
    """The lot's receipt stays ahead of its slot's cursor for `for_s` while the relay
    runs (ten idle waits, two hundred reads of a held-back slot)."""
    conn = await asyncpg.connect(infra.url("inventory", driver="postgresql"))
    try:
        deadline = asyncio.get_running_loop().time() + for_s
        while asyncio.get_running_loop().time() < deadline:
            published = await conn.fetchval(
                "SELECT (e.tx, e.position) <= (c.tx, c.position) FROM inventory.events e "
                "JOIN inventory.relay_cursors c ON c.slot = e.slot "
                "WHERE e.stream_id = $1 AND e.version = 1",
                f"{COLD}/{lot}",
            )
            assert published is False, f"{lot} was published before an older commit"
            await asyncio.sleep(0.05)
    finally:
        await conn.close()


class HeldGroupCommit(UnitOfWork):
    """As HeldCommit, for the group commit's test. It always locks, as a group's second
    try does (after its optimistic first met another writer): only a locking unit keeps
    its transaction open between the append and the commit."""

    inserted = asyncio.Event()
    release = asyncio.Event()

    async def commit(self) -> None:
        HeldGroupCommit.inserted.set()
        await HeldGroupCommit.release.wait()
        await super().commit()


async def test_a_late_group_commit_is_not_skipped(world: Infra) -> None:
    """Three receipts committed together, late, under earlier transaction ids and
    positions than a receipt committed meanwhile: that one waits for them, then the relay
    publishes all four."""
    settings = settings_for(world, inventory_group_commit_window_ms=20.0)
    relay = Relay(settings, idle_wait_s=0.1)
    stop = asyncio.Event()
    relay_task = asyncio.create_task(relay.run(stop))
    app = create_app(settings)
    slow_lots = ["SLOWG-1", "SLOWG-2", "SLOWG-3"]
    try:
        async with serve(app) as client:
            await seed_catalog(client, bearer("admin"))
            runtime = app.state.runtime
            normal_uow = runtime.uow
            runtime.uow = lambda locking=True: HeldGroupCommit(runtime.engine)
            held = asyncio.gather(*(client.post(**_receipt(lot)) for lot in slow_lots))
            await asyncio.wait_for(HeldGroupCommit.inserted.wait(), 10)
            runtime.uow = normal_uow
            assert (await client.post(**_receipt("FASTG-1"))).status_code == 201
            topic = settings.topic("lotledger.stock.v1")
            await _still_waiting(world, "FASTG-1")
            HeldGroupCommit.release.set()
            assert [r.status_code for r in await held] == [201] * 3
            assert app.state.group_commit.groups == 1
            wanted = {f"{COLD}/{lot}" for lot in [*slow_lots, "FASTG-1"]}
            messages = await read_topic(
                world.kafka_bootstrap,
                topic,
                until=lambda ms: wanted <= {m["subject"] for m in ms},
            )
            assert wanted <= {m["subject"] for m in messages}
            fast = await _positions(world, "FASTG-1")
            for lot in slow_lots:
                assert await _positions(world, lot) < fast
                assert await _tx(world, lot) < await _tx(world, "FASTG-1")
    finally:
        stop.set()
        await asyncio.wait_for(relay_task, 30)


def _receipt(lot: str) -> dict[str, Any]:
    return {
        "url": "/v1/receipts",
        "headers": SCANNER,
        "json": {
            "gtin": COLD,
            "lot": lot,
            "expiry": "2028-01-31",
            "qty": 1,
            "location": "WH1/COLD-A/01",
            "supplier": SUPPLIER,
        },
    }
