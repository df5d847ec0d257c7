"""The event table as the stock relay's source (adapters/event_source.py, docs/adr/0014):
rows of a transaction younger than the oldest one open wait; a cursor never passes a row
that can still appear; recovery passes only rows Kafka holds one after another; the
locking path refuses a head written by a transaction younger than its own."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import pytest

from lotledger.inventory.adapters.event_source import READ, EventSource
from lotledger.inventory.adapters.event_store import EventStore
from lotledger.inventory.bootstrap import create_app
from lotledger.shared.relay_slots import SLOTS
from tests.support.apps import serve
from tests.support.event_rows import insert_event
from tests.support.infra import Infra
from tests.support.private import private_inventory, settings_for
from tests.support.relay import pick, receipt
from tests.support.tokens import bearer
from tests.support.world import COLD, seed_catalog

ALL = set(range(SLOTS))
SCANNER = bearer("scanner", warehouses=["WH1"])


@pytest.fixture(scope="module")
async def world() -> AsyncIterator[Infra]:
    async with private_inventory() as infra:
        yield infra


@asynccontextmanager
async def session(infra: Infra) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(
        infra.url("inventory", driver="postgresql"), server_settings={"search_path": "inventory"}
    )
    try:
        yield connection
    finally:
        await connection.close()


@pytest.fixture
async def conn(world: Infra) -> AsyncIterator[asyncpg.Connection]:
    async with session(world) as connection:
        yield connection


@pytest.fixture
async def other(world: Infra) -> AsyncIterator[asyncpg.Connection]:
    """A second session, for a transaction that stays open beside `conn`'s work."""
    async with session(world) as connection:
        yield connection


async def drain(source: EventSource) -> None:
    """Publish (as far as the cursors know) everything the source offers now."""
    while batch := await source.next_batch(ALL, 1000):
        await source.published(batch, {}, ALL)


async def test_a_younger_commit_waits_for_an_older_open_transaction(
    conn: asyncpg.Connection, other: asyncpg.Connection
) -> None:
    source = EventSource(conn)
    await drain(source)
    transaction = other.transaction()
    await transaction.start()
    slow = await insert_event(other, f"horizon-slow-{uuid.uuid4()}", 1)
    fast = await insert_event(conn, f"horizon-fast-{uuid.uuid4()}", 1)

    assert await source.next_batch(ALL, 1000) == []
    assert source.held_back, "a committed row waits beyond the horizon"

    await transaction.commit()
    batch = await source.next_batch(ALL, 1000)
    assert [m.event_id for m in batch] == [slow, fast]
    assert batch[0].tx < batch[1].tx
    await source.published(batch, {}, ALL)
    assert await source.next_batch(ALL, 1000) == []
    assert not source.held_back


async def test_a_read_that_stops_at_a_slots_share_says_there_is_more(
    conn: asyncpg.Connection,
) -> None:
    """The relay reads again at once after such a read, and paces itself otherwise."""
    source = EventSource(conn)
    await drain(source)
    stream = f"share-{uuid.uuid4()}"
    ids = [await insert_event(conn, stream, v) for v in (1, 2, 3)]
    share = 2

    first = await source.next_batch(ALL, share * SLOTS)
    assert [m.event_id for m in first] == ids[:2]
    assert source.more
    await source.published(first, {}, ALL)

    rest = await source.next_batch(ALL, share * SLOTS)
    assert [m.event_id for m in rest] == ids[2:]
    assert not source.more


async def test_an_aborted_transaction_holds_nothing_back(
    conn: asyncpg.Connection, other: asyncpg.Connection
) -> None:
    source = EventSource(conn)
    await drain(source)
    transaction = other.transaction()
    await transaction.start()
    await insert_event(other, f"aborted-{uuid.uuid4()}", 1)
    kept = await insert_event(conn, f"kept-{uuid.uuid4()}", 1)
    await transaction.rollback()
    assert [m.event_id for m in await source.next_batch(ALL, 1000)] == [kept]


async def test_recovery_passes_only_the_rows_kafka_holds_one_after_another(
    conn: asyncpg.Connection,
) -> None:
    source = EventSource(conn)
    await drain(source)
    stream = f"recovered-{uuid.uuid4()}"
    ids = [await insert_event(conn, stream, v) for v in (1, 2, 3, 4)]
    (slot,) = {m.slot for m in await source.next_batch(ALL, 1000)}

    passed = await source.forget_events([ids[0], ids[1], ids[3]], {}, {slot})

    assert passed == 2
    left = await source.next_batch({slot}, 1000)
    assert [m.event_id for m in left] == [ids[2], ids[3]], "sent again, never skipped"


async def test_the_backlog_counts_rows_after_the_cursors(conn: asyncpg.Connection) -> None:
    source = EventSource(conn)
    await drain(source)
    assert (await source.backlog())[0] == 0
    await insert_event(conn, f"backlog-{uuid.uuid4()}", 1)
    await insert_event(conn, f"backlog-{uuid.uuid4()}", 1)
    count, oldest, now = await source.backlog()
    assert count == 2
    assert oldest is not None
    assert oldest <= now


async def test_locking_refuses_a_head_written_by_a_younger_transaction(
    conn: asyncpg.Connection, other: asyncpg.Connection
) -> None:
    """A locking writer that took its transaction id (here by an earlier write; in
    production by another batch's row lock) before an append of the batch committed must
    not build the next version on it: the relay orders a batch's events by transaction id."""
    batch = f"locked-{uuid.uuid4()}"
    await conn.execute(
        "INSERT INTO batches (batch_id, gtin, lot, expiry, status, version, head_hash, "
        "on_hand, warehouses, held, updated_at) VALUES ($1, '09506000134352', $1, "
        "'2030-01-01', 'available', 1, repeat('0', 64), '{}', '{}', '{}', now())",
        batch,
    )
    transaction = other.transaction()
    await transaction.start()
    await other.fetchval("SELECT pg_current_xact_id()")
    await conn.execute(
        "UPDATE batches SET version = 2, tx = pg_current_xact_id() WHERE batch_id = $1", batch
    )
    with pytest.raises(asyncpg.SerializationError):
        await EventStore(other).lock([batch])
    await transaction.rollback()

    async with other.transaction():
        (state,) = await EventStore(other).lock([batch])
    assert state.version == 2


async def test_a_read_scans_each_slot_in_index_order_and_stops_at_its_share(
    conn: asyncpg.Connection,
) -> None:
    """With many events waiting, a read reads about what it sends: a short ordered index
    scan per slot (with Postgres's own choice, a bitmap scan of every waiting row and a
    sort, adapters/event_source.SESSION)."""
    source = EventSource(conn)
    await drain(source)
    await conn.execute(
        "INSERT INTO events (event_id, stream_id, source, version, type, data, occurred_at, "
        "actor, prev_hash, hash, payload) SELECT gen_random_uuid(), 'plan-' || (n % 500), "
        "'test', n, 'test.v1', '{}', now(), 'test', repeat('0', 64), repeat('0', 64), "
        "'\\x00' FROM generate_series(1, 40000) AS n"
    )
    await conn.execute("ANALYZE events")
    batch = await source.next_batch(set(range(16)), 2000)
    assert 0 < len(batch) <= 2000 + 16

    plan = "\n".join(
        r[0] for r in await conn.fetch(f"EXPLAIN (ANALYZE, COSTS OFF) {READ}", list(range(16)), 125)
    )
    assert "Index Scan using events_relay on events e" in plan, plan
    assert "Bitmap" not in plan, plan
    await drain(source)


async def test_a_batchs_versions_come_from_ever_younger_transactions(
    world: Infra, conn: asyncpg.Connection
) -> None:
    """Concurrent single POSTs on a few batches (grouped, optimistic, and retried with
    locks when they collide): each batch's events in version order are in (transaction id,
    position) order, the order the relay publishes them in (a group appends several
    versions in one transaction), and the batch's row names its head's transaction."""
    lots = [f"YOUNGER{n}" for n in range(3)]
    async with serve(create_app(settings_for(world))) as client:
        await seed_catalog(client, bearer("admin"))
        for lot in lots:
            body = {k: v for k, v in receipt(lot, 200).items() if k not in ("op", "client_op_id")}
            assert (
                await client.post("/v1/receipts", json=body, headers=SCANNER)
            ).status_code == 201
        picks = [
            {k: v for k, v in pick(lot, n).items() if k not in ("op", "client_op_id")}
            for n in range(40)
            for lot in lots
        ]
        answers = await asyncio.gather(
            *(client.post("/v1/picks", json=body, headers=SCANNER) for body in picks)
        )
    assert [a.status_code for a in answers] == [201] * len(picks)
    for lot in lots:
        rows = await conn.fetch(
            "SELECT version, tx::text::numeric AS tx, position FROM events "
            "WHERE stream_id = $1 ORDER BY version",
            f"{COLD}/{lot}",
        )
        assert [r["version"] for r in rows] == list(range(1, 42))
        published = [(r["tx"], r["position"]) for r in rows]
        assert published == sorted(published), f"{lot}: a version from an older transaction"
        assert len({tx for tx, _ in published}) > 1, "the picks ran in more than one commit"
        head = await conn.fetchval(
            "SELECT tx::text::numeric FROM batches WHERE batch_id = $1", f"{COLD}/{lot}"
        )
        assert head == published[-1][0]
