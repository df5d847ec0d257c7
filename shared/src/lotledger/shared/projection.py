"""Effectively-exactly-once projections from Kafka into Postgres (DESIGN §4.3).

A projection's effects and the consumer's next offsets commit in one database
transaction; the Kafka group commit that follows is only advisory. On assignment the
consumer seeks to the offsets stored in the database, and records below a stored offset
are skipped, so a duplicate delivery, a replay or a crash between the database commit
and the Kafka commit changes nothing. Each apply also locks its partitions' positions
(transaction-scoped advisory locks) and re-reads them, and stored positions never move
backwards, so two members briefly owning one partition during a rebalance cannot both
apply the same records.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import structlog
from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import CommitFailedError, KafkaError
from aiokafka.structs import OffsetAndMetadata
from prometheus_client import Counter, Gauge
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from lotledger.shared.batch_fetch import Record as Record
from lotledger.shared.batch_fetch import fetch
from lotledger.shared.kafka import create_consumer
from lotledger.shared.positions import lock_positions, save_positions, stored_positions
from lotledger.shared.settings import CommonSettings
from lotledger.shared.traced_messages import consuming

log = structlog.get_logger("lotledger.projection")

APPLIED = Counter("lotledger_projection_records_total", "Records applied", ["consumer"])
LAG_MESSAGES = Gauge(
    "lotledger_projection_lag_messages",
    "Consumer lag: the partition's end offset (high watermark) minus the position applied, "
    "per partition this member owns (removed when the partition is revoked)",
    ["consumer", "group", "topic", "partition"],
)
LAG_SECONDS = Gauge(
    "lotledger_projection_lag_seconds",
    "Now minus the broker timestamp of the last applied record",
    ["consumer"],
)


class Projection(Protocol):
    @property
    def consumer(self) -> str:
        """The name positions are stored under (one per projection, not per process)."""
        ...

    @property
    def topics(self) -> Sequence[str]:
        """Full topic names (prefix applied)."""
        ...

    async def apply(self, conn: AsyncConnection, records: Sequence[Record]) -> None:
        """Apply records (each partition's in offset order) inside the open transaction."""
        ...


@runtime_checkable
class Remembering(Protocol):
    """A projection that keeps what it read of its read models in memory between batches.
    Its memory of a partition holds only while the partition's stored position is the one
    this process wrote last: otherwise another member, or a rebuild, has written since."""

    def resume(self, continued: Collection[TopicPartition]) -> None:
        """Before each `apply`, in its transaction, with the batch's partitions whose stored
        position this process wrote last."""
        ...

    def committed(self) -> None:
        """The batch's transaction committed."""
        ...

    def abandoned(self) -> None:
        """The batch's transaction failed, or its commit is in doubt."""
        ...


@dataclass
class Batch:
    records: list[Record]
    positions: dict[TopicPartition, int]


def fresh_records(
    batches: dict[TopicPartition, list[Record]], positions: dict[TopicPartition, int]
) -> Batch:
    """Drop records below the stored positions; the new positions follow the last kept."""
    kept: list[Record] = []
    moved: dict[TopicPartition, int] = {}
    for tp, records in batches.items():
        floor = positions.get(tp, 0)
        fresh = [r for r in records if r.offset >= floor]
        if fresh:
            kept.extend(fresh)
            moved[tp] = fresh[-1].offset + 1
    return Batch(kept, moved)


COMMIT_EVERY_S = 1.0
"""How often a projector copies its positions to Kafka. Only the positions stored with the
read models count (a member seeks to them when assigned); the copy is for the group's
lag as tools see it, so it need not cost a broker round trip after every batch (at 500
events/s the traceability projector commits ~30 batches a second)."""


class Projector:
    """Runs a projection as a member of a consumer group."""

    def __init__(
        self,
        settings: CommonSettings,
        engine: AsyncEngine,
        projection: Projection,
        group_id: str,
        max_records: int = 2000,
        traced: bool = True,
    ) -> None:
        """`traced=False` for a rebuild: replayed records belong to traces long closed."""
        self.settings = settings
        self.engine = engine
        self.projection = projection
        self.group_id = settings.topic(group_id)
        self.max_records = max_records
        self.traced = traced
        self.positions: dict[TopicPartition, int] = {}
        self._written: dict[TopicPartition, int] = {}
        """The positions this process stored last, by partition."""

    async def run(self, stop: asyncio.Event) -> None:
        consumer = create_consumer(
            self.settings,
            self.group_id,
            f"{self.projection.consumer}-projector",
            max_poll_records=self.max_records,
        )
        consumer.subscribe(list(self.projection.topics), listener=_SeekToStored(self, consumer))
        await consumer.start()
        log.info("projector_started", consumer=self.projection.consumer, group=self.group_id)
        committed_at: float | None = None
        behind = False
        try:
            while not stop.is_set():
                batches = await fetch(consumer, (), 200, self.max_records)
                if batches:
                    await self.apply(batches)
                    behind = True
                if behind and (
                    committed_at is None or time.monotonic() - committed_at >= COMMIT_EVERY_S
                ):
                    await self._commit(consumer)
                    committed_at, behind = time.monotonic(), False
                self._observe_lag(consumer)
            if behind:
                with contextlib.suppress(KafkaError):
                    await self._commit(consumer)
        finally:
            await consumer.stop()

    async def apply(self, batches: dict[TopicPartition, list[Record]]) -> int:
        """Apply one fetched batch exactly once; returns the records applied."""
        if not fresh_records(batches, self.positions).records:
            return 0
        memory = self.projection if isinstance(self.projection, Remembering) else None
        try:
            async with self.engine.begin() as conn:
                stored = await lock_positions(conn, self.projection.consumer, list(batches))
                floors = {tp: max(self.positions.get(tp, 0), stored.get(tp, 0)) for tp in batches}
                batch = fresh_records(batches, floors)
                if batch.records:
                    if memory is not None:
                        memory.resume([tp for tp in batches if self._wrote_last(tp, stored)])
                    with consuming(self.projection.consumer, batch.records, self.traced):
                        await self.projection.apply(conn, batch.records)
                    await save_positions(conn, self.projection.consumer, batch.positions)
        except BaseException:
            if memory is not None:
                memory.abandoned()
            raise
        if memory is not None and batch.records:
            memory.committed()
        self._written.update(batch.positions)
        self.positions.update(floors)
        self.positions.update(batch.positions)
        if not batch.records:
            return 0
        APPLIED.labels(self.projection.consumer).inc(len(batch.records))
        newest = max(r.timestamp for r in batch.records)
        LAG_SECONDS.labels(self.projection.consumer).set(max(time.time() - newest / 1000, 0))
        return len(batch.records)

    def _wrote_last(self, tp: TopicPartition, stored: Mapping[TopicPartition, int]) -> bool:
        return tp in self._written and stored.get(tp) == self._written[tp]

    async def _commit(self, consumer: AIOKafkaConsumer) -> None:
        """The positions to Kafka too, for the group's lag as tools see it. The stored
        positions are the ones that count (a member seeks to them when assigned), so a
        commit refused because the group rebalanced meanwhile is logged, not fatal."""
        try:
            await consumer.commit(
                {tp: OffsetAndMetadata(o, "") for tp, o in self._assigned(consumer).items()}
            )
        except CommitFailedError as exc:
            log.info(
                "kafka_commit_skipped", consumer=self.projection.consumer, reason=str(exc)[:200]
            )

    def _assigned(self, consumer: AIOKafkaConsumer) -> dict[TopicPartition, int]:
        return {tp: o for tp, o in self.positions.items() if tp in consumer.assignment()}

    def _observe_lag(self, consumer: AIOKafkaConsumer) -> None:
        for tp in consumer.assignment():
            highwater = consumer.highwater(tp)
            if highwater is not None:
                LAG_MESSAGES.labels(*self._lag_labels(tp)).set(
                    max(highwater - self.positions.get(tp, 0), 0)
                )

    def _lag_labels(self, tp: TopicPartition) -> tuple[str, str, str, str]:
        return (self.projection.consumer, self.group_id, tp.topic, str(tp.partition))

    def forget_lag(self, partitions: Iterable[TopicPartition]) -> None:
        """Another member reports a revoked partition's lag from now on."""
        for tp in partitions:
            with contextlib.suppress(KeyError):
                LAG_MESSAGES.remove(*self._lag_labels(tp))


class _SeekToStored(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, projector: Projector, consumer: AIOKafkaConsumer) -> None:
        self.projector = projector
        self.consumer = consumer

    async def on_partitions_revoked(self, revoked: Iterable[TopicPartition]) -> None:
        self.projector.forget_lag(revoked)

    async def on_partitions_assigned(self, assigned: Iterable[TopicPartition]) -> None:
        async with self.projector.engine.connect() as conn:
            stored = await stored_positions(conn, self.projector.projection.consumer)
        self.projector.positions.update(stored)
        for tp in assigned:
            if tp in stored:
                self.consumer.seek(tp, stored[tp])
        if fresh := [tp for tp in assigned if tp not in stored]:
            await self.consumer.seek_to_beginning(*fresh)
        log.info(
            "partitions_assigned",
            consumer=self.projector.projection.consumer,
            partitions=sorted(f"{tp.topic}:{tp.partition}" for tp in assigned),
        )
