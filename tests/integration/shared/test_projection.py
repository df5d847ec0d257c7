"""The shared projection machinery against the real broker and database: exactly-once
under redelivery, a crash between the database and Kafka commits, and replays."""

import asyncio
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from uuid import uuid4

import pytest
from aiokafka import TopicPartition
from aiokafka.admin import NewTopic
from prometheus_client import REGISTRY
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from lotledger.shared.kafka import create_producer
from lotledger.shared.projection import Projector, Record
from lotledger.shared.replay import replay_all
from lotledger.shared.settings import CommonSettings
from tests.support.infra import Infra
from tests.support.probe import probe_schema

MESSAGES = 300


class Summing:
    """A toy projection: adds every message's value into one row."""

    consumer = "probe"

    def __init__(self, topic: str) -> None:
        self.topics: Sequence[str] = [topic]

    async def apply(self, conn: AsyncConnection, records: Sequence[Record]) -> None:
        await conn.execute(
            text("UPDATE total SET value = value + :add, applied = applied + :n"),
            {"add": sum(int(r.value) for r in records), "n": len(records)},
        )


class DiesBeforeKafkaCommit(Projector):
    async def run(self, stop: asyncio.Event) -> None:
        original = self.apply

        async def apply_then_stop(batches):  # type: ignore[no-untyped-def]
            await original(batches)
            stop.set()
            raise asyncio.CancelledError

        self.apply = apply_then_stop  # type: ignore[method-assign]
        try:
            await super().run(stop)
        except asyncio.CancelledError:
            return


async def _schema(infra: Infra, name: str) -> AsyncEngine:
    return await probe_schema(
        infra,
        name,
        "CREATE TABLE total (value bigint NOT NULL, applied int NOT NULL)",
        "INSERT INTO total VALUES (0, 0)",
    )


async def _total(engine: AsyncEngine) -> tuple[int, int]:
    async with engine.connect() as conn:
        row = (await conn.execute(text("SELECT value, applied FROM total"))).one()
    return int(row.value), int(row.applied)


@pytest.fixture
async def topic(common_settings: CommonSettings) -> str:
    from aiokafka.admin import AIOKafkaAdminClient

    name = common_settings.topic(f"probe-{uuid4().hex[:8]}")
    admin = AIOKafkaAdminClient(bootstrap_servers=common_settings.kafka_bootstrap)
    await admin.start()
    await admin.create_topics([NewTopic(name, 3, 1)])
    await admin.close()
    producer = create_producer(common_settings, "probe")
    await producer.start()
    for i in range(MESSAGES):
        await producer.send(name, str(i).encode(), key=str(i % 7).encode())
    await producer.flush()
    await producer.stop()
    return name


async def _run_until(projector: Projector, engine: AsyncEngine, applied: int) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(projector.run(stop))
    try:
        async with asyncio.timeout(30):
            while (await _total(engine))[1] < applied or sum(
                projector.positions.values()
            ) < applied:
                await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)
    finally:
        stop.set()
        await task


async def test_crash_between_commits_and_replays_double_count_nothing(
    infra: Infra, common_settings: CommonSettings, topic: str
) -> None:
    expected = sum(range(MESSAGES))
    engine = await _schema(infra, f"probe_{uuid4().hex[:8]}")
    try:
        group = f"probe-{uuid4().hex[:6]}"
        stop = asyncio.Event()
        await DiesBeforeKafkaCommit(
            common_settings, engine, Summing(topic), group, max_records=50
        ).run(stop)
        first = await _total(engine)
        assert 0 < first[1] < MESSAGES

        await _run_until(
            Projector(common_settings, engine, Summing(topic), group), engine, MESSAGES
        )
        assert await _total(engine) == (expected, MESSAGES)

        await _run_until(
            Projector(common_settings, engine, Summing(topic), f"{group}-new"), engine, MESSAGES
        )
        assert await _total(engine) == (expected, MESSAGES)
        applied, _ = await replay_all(common_settings, engine, Summing(topic))
        assert applied == 0
        assert await _total(engine) == (expected, MESSAGES)
    finally:
        await engine.dispose()

    fresh = await _schema(infra, f"probe_{uuid4().hex[:8]}")
    try:
        applied, ends = await replay_all(common_settings, fresh, Summing(topic))
        assert applied == MESSAGES
        assert sum(ends.values()) == MESSAGES
        assert await _total(fresh) == (expected, MESSAGES)
    finally:
        await fresh.dispose()


@dataclass(frozen=True)
class FakeRecord:
    offset: int
    value: bytes
    timestamp: int = 0


async def test_two_members_owning_one_partition_apply_its_records_once(
    infra: Infra, common_settings: CommonSettings
) -> None:
    """A rebalance can leave a partition briefly with two members whose in-memory positions
    are stale; the locked re-read of the stored positions lets only one apply a record."""
    engine = await _schema(infra, f"probe_{uuid4().hex[:8]}")
    try:
        tp = TopicPartition("probe-fence", 0)
        batch = {tp: [FakeRecord(o, str(o).encode()) for o in range(20)]}
        members = [
            Projector(common_settings, engine, Summing("probe-fence"), "unused") for _ in range(4)
        ]
        applied = await asyncio.gather(*(m.apply(dict(batch)) for m in members))
        assert sorted(applied) == [0, 0, 0, 20]
        assert await _total(engine) == (sum(range(20)), 20)
        late = Projector(common_settings, engine, Summing("probe-fence"), "unused")
        assert await late.apply({tp: batch[tp][:10]}) == 0
        assert late.positions[tp] == 20
        async with engine.connect() as conn:
            stored = await conn.execute(text("SELECT next_offset FROM consumer_positions"))
            assert stored.scalar_one() == 20
    finally:
        await engine.dispose()


class Remembers(Summing):
    """Records the `Remembering` calls; fails its apply while `fail` is set."""

    def __init__(self, topic: str) -> None:
        super().__init__(topic)
        self.calls: list[object] = []
        self.fail = False

    def resume(self, continued: Collection[TopicPartition]) -> None:
        self.calls.append(sorted(tp.partition for tp in continued))

    def committed(self) -> None:
        self.calls.append("committed")

    def abandoned(self) -> None:
        self.calls.append("abandoned")

    async def apply(self, conn: AsyncConnection, records: Sequence[Record]) -> None:
        await super().apply(conn, records)
        if self.fail:
            raise RuntimeError("apply failed")


async def test_a_remembering_projection_is_told_which_partitions_it_wrote_last(
    infra: Infra, common_settings: CommonSettings
) -> None:
    """A partition continues for a member while the stored position is the one it wrote;
    a failed batch is abandoned and changes nothing."""
    engine = await _schema(infra, f"probe_{uuid4().hex[:8]}")
    try:
        p0, p1 = TopicPartition("probe-memory", 0), TopicPartition("probe-memory", 1)

        def records(*offsets: int) -> list[FakeRecord]:
            return [FakeRecord(o, b"1") for o in offsets]

        ours, theirs = Remembers("probe-memory"), Remembers("probe-memory")
        a = Projector(common_settings, engine, ours, "unused")
        b = Projector(common_settings, engine, theirs, "unused")
        await a.apply({p0: records(0, 1), p1: records(0)})
        await a.apply({p0: records(2), p1: records(1)})
        await b.apply({p1: records(2)})
        ours.fail = True
        with pytest.raises(RuntimeError, match="apply failed"):
            await a.apply({p0: records(3), p1: records(3)})
        ours.fail = False
        await a.apply({p0: records(3), p1: records(3)})
        assert ours.calls == [
            [], "committed",
            [0, 1], "committed",
            [0], "abandoned",
            [0], "committed",
        ]  # fmt: skip
        assert theirs.calls == [[], "committed"]
        assert await _total(engine) == (8, 8)
    finally:
        await engine.dispose()


async def test_lag_is_reported_per_group_and_partition_and_dropped_on_revocation(
    infra: Infra, common_settings: CommonSettings, topic: str
) -> None:
    engine = await _schema(infra, f"probe_{uuid4().hex[:8]}")
    try:
        projector = Projector(
            common_settings, engine, Summing(topic), f"probe-{uuid4().hex[:6]}", max_records=50
        )
        await _run_until(projector, engine, MESSAGES)
    finally:
        await engine.dispose()
    partitions = [TopicPartition(topic, p) for p in range(3)]

    def lag(tp: TopicPartition) -> float | None:
        return REGISTRY.get_sample_value(
            "lotledger_projection_lag_messages",
            {
                "consumer": "probe",
                "group": projector.group_id,
                "topic": tp.topic,
                "partition": str(tp.partition),
            },
        )

    assert [lag(tp) for tp in partitions] == [0, 0, 0]
    projector.forget_lag(partitions[:2])
    assert [lag(tp) for tp in partitions] == [None, None, 0]
