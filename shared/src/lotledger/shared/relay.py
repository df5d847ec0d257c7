"""An outbox relay: publishes a schema's committed outbox rows to Kafka, in order, once
per event id (inventory's relay, made generic for every service with an outbox).

- One active relay: a session advisory lock; a second instance waits as a standby.
- Order: rows are sent in outbox-id order with an idempotent producer, so each key's
  events keep the order in which the writer committed them (the writer serialises one
  key's commits: inventory by the batch's row lock, traceability by partition ownership).
- Once per event id: after a start or any send failure, the relay reads each partition
  forward from the offset it last recorded and removes from the outbox every event it
  finds already published, before sending anything again.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from dataclasses import dataclass

import orjson
import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from prometheus_client import Counter

from lotledger.shared.db import driver_connect
from lotledger.shared.kafka import STRUCTURED, create_consumer, create_producer, partitions_of
from lotledger.shared.outbox import Outbox, OutboxMessage
from lotledger.shared.outbox_metrics import BacklogProbe
from lotledger.shared.runner import sleep_or_stop, wait_any
from lotledger.shared.settings import CommonSettings
from lotledger.shared.traced_messages import Traced, publishing

log = structlog.get_logger("lotledger.relay")


@dataclass(frozen=True)
class RelayConfig:
    """`name` is the client id and application name; `lock_key` must differ between
    services sharing a database; the counters are the service's own metrics."""

    name: str
    database_url: str
    schema: str
    topics: Sequence[str]
    lock_key: int
    batch_size: int
    published: Counter
    recovered: Counter
    default_topic: str | None = None
    """Where rows with an empty `topic` go (an outbox that feeds a single topic)."""


class OutboxRelay:
    def __init__(
        self, settings: CommonSettings, config: RelayConfig, idle_wait_s: float = 1.0
    ) -> None:
        self.settings = settings
        self.config = config
        self.topics = list(config.topics)
        self.idle_wait_s = idle_wait_s
        self._wake = asyncio.Event()
        self._backlog = BacklogProbe(config.schema)

    async def run(self, stop: asyncio.Event) -> None:
        conn = await driver_connect(self.config.database_url, self.config.schema, self.config.name)
        try:
            log.info("relay_waiting_for_lock")
            while not await conn.fetchval("SELECT pg_try_advisory_lock($1)", self.config.lock_key):
                await sleep_or_stop(stop, 1.0)
                if stop.is_set():
                    return
            log.info("relay_active")
            await conn.add_listener(f"{self.config.schema}_outbox", lambda *_: self._wake.set())
            outbox = Outbox(conn)
            companion = asyncio.create_task(self.while_active(stop))
            try:
                while not stop.is_set():
                    try:
                        await self._serve(outbox, stop)
                    except Exception as exc:
                        log.warning("relay_send_failed", error=str(exc))
                        with contextlib.suppress(Exception):
                            await self._backlog.maybe(outbox)
                        await sleep_or_stop(stop, 1.0)
            finally:
                companion.cancel()
        finally:
            await conn.close()

    async def while_active(self, stop: asyncio.Event) -> None:
        """Work that belongs to the single active relay (a service may add some)."""

    async def _serve(self, outbox: Outbox, stop: asyncio.Event) -> None:
        producer = create_producer(self.settings, self.config.name, linger_ms=5)
        await producer.start()
        try:
            await self.recover(outbox)
            while not stop.is_set():
                await self._backlog.maybe(outbox)
                batch = await outbox.next_batch(self.config.batch_size)
                if not batch:
                    self._wake.clear()
                    await wait_any(self._wake, stop, self.idle_wait_s)
                    continue
                reached = await self._send(producer, batch)
                await outbox.published([m.id for m in batch], reached)
                self.config.published.inc(len(batch))
        finally:
            await producer.stop()

    async def _send(
        self, producer: AIOKafkaProducer, batch: list[OutboxMessage]
    ) -> dict[tuple[str, int], int]:
        with publishing(batch, STRUCTURED, self._topic_of) as headers:
            sends = [
                await producer.send(
                    self._topic_of(m), m.payload, key=m.key.encode(), headers=headers(i)
                )
                for i, m in enumerate(batch)
            ]
            acknowledged = await asyncio.gather(*sends)
        reached: dict[tuple[str, int], int] = {}
        for meta in acknowledged:
            key = (meta.topic, meta.partition)
            reached[key] = max(reached.get(key, 0), meta.offset + 1)
        return reached

    def _topic_of(self, message: Traced) -> str:
        return message.topic or str(self.config.default_topic)

    async def recover(self, outbox: Outbox) -> int:
        """Remove from the outbox what Kafka already holds past the recorded offsets."""
        stored = await outbox.offsets()
        consumer = create_consumer(
            self.settings,
            group_id=None,
            client_id=f"{self.config.name}-recovery",
            isolation_level="read_uncommitted",
        )
        await consumer.start()
        try:
            partitions = [
                tp
                for t in self.topics
                for tp in await partitions_of(self.settings.kafka_bootstrap, t)
            ]
            if not partitions:
                return 0
            ends = await consumer.end_offsets(partitions)
            found, reached = await _published_since(consumer, partitions, stored, ends)
        finally:
            await consumer.stop()
        removed = await outbox.forget_events(found, reached)
        self.config.recovered.inc(removed)
        log.info("relay_recovered", already_published=removed, scanned=len(found))
        return removed


async def _published_since(
    consumer: AIOKafkaConsumer,
    partitions: list[TopicPartition],
    stored: dict[tuple[str, int], int],
    ends: dict[TopicPartition, int],
) -> tuple[list[str], dict[tuple[str, int], int]]:
    pending = {tp for tp in partitions if stored.get((tp.topic, tp.partition), 0) < ends[tp]}
    consumer.assign(list(pending))
    for tp in pending:
        consumer.seek(tp, stored.get((tp.topic, tp.partition), 0))
    found: list[str] = []
    while pending:
        batches = await consumer.getmany(*pending, timeout_ms=1000)
        for tp, messages in batches.items():
            found.extend(orjson.loads(m.value)["id"] for m in messages if m.value)
            if messages and messages[-1].offset + 1 >= ends[tp]:
                pending.discard(tp)
        for tp in list(pending):
            if await consumer.position(tp) >= ends[tp]:
                pending.discard(tp)
    return found, {(tp.topic, tp.partition): ends[tp] for tp in partitions}
