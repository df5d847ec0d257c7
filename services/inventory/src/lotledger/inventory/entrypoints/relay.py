"""The outbox relay: publishes committed events to Kafka, in order, once per event id.

- One active relay: a session advisory lock; a second instance waits as a standby.
- Order: rows are sent in outbox-id order with an idempotent producer; a batch's events
  are committed in stream order (its row lock serialises them), so per-batch order holds.
- Once per event id: after a start or any send failure, the relay reads each partition
  forward from the offset it last recorded and removes from the outbox every event it
  finds already published, before sending anything again.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime

import orjson
import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from prometheus_client import Counter

from lotledger.inventory.adapters.checkpoints import CheckpointStore
from lotledger.inventory.adapters.outbox import Outbox, OutboxMessage
from lotledger.inventory.adapters.signing import Signer
from lotledger.inventory.service.checkpoints import create_checkpoint
from lotledger.inventory.settings import InventorySettings
from lotledger.shared.contracts.topics import CATALOG, STOCK
from lotledger.shared.db import driver_connect
from lotledger.shared.kafka import STRUCTURED, create_consumer, create_producer, partitions_of

log = structlog.get_logger("lotledger.relay")
LOCK_KEY = 0x6C6F746C65646765  # "lotledge"
PUBLISHED = Counter("lotledger_relay_published_total", "Events published by the relay")
RECOVERED = Counter(
    "lotledger_relay_recovered_total", "Events found already published during recovery"
)


class Relay:
    def __init__(self, settings: InventorySettings, idle_wait_s: float = 1.0) -> None:
        self.settings = settings
        self.topics = [settings.topic(STOCK), settings.topic(CATALOG)]
        self.idle_wait_s = idle_wait_s
        self._wake = asyncio.Event()

    async def run(self, stop: asyncio.Event) -> None:
        conn = await driver_connect(
            self.settings.inventory_database_url,
            self.settings.inventory_db_schema,
            "lotledger-relay",
        )
        try:
            log.info("relay_waiting_for_lock")
            while not await conn.fetchval("SELECT pg_try_advisory_lock($1)", LOCK_KEY):
                await _sleep_or_stop(stop, 1.0)
                if stop.is_set():
                    return
            log.info("relay_active")
            await conn.add_listener(
                f"{self.settings.inventory_db_schema}_outbox", lambda *_: self._wake.set()
            )
            outbox = Outbox(conn)
            checkpointer = asyncio.create_task(self._checkpoints(stop))
            while not stop.is_set():
                try:
                    await self._serve(outbox, stop)
                except Exception as exc:
                    log.warning("relay_send_failed", error=str(exc))
                    await _sleep_or_stop(stop, 1.0)
            checkpointer.cancel()
        finally:
            await conn.close()

    async def _checkpoints(self, stop: asyncio.Event) -> None:
        """Sign a checkpoint every `checkpoint_interval_s` while events keep arriving."""
        signer = Signer.from_seed(self.settings.checkpoint_key.get_secret_value())
        while not stop.is_set():
            await _sleep_or_stop(stop, self.settings.checkpoint_interval_s)
            if stop.is_set():
                return
            try:
                conn = await driver_connect(
                    self.settings.inventory_database_url,
                    self.settings.inventory_db_schema,
                    "lotledger-checkpoint",
                )
                try:
                    created = await create_checkpoint(
                        CheckpointStore(conn), signer, datetime.now(UTC)
                    )
                finally:
                    await conn.close()
                if created:
                    log.info("checkpoint_signed", checkpoint=created)
            except Exception as exc:
                log.warning("checkpoint_failed", error=str(exc))

    async def _serve(self, outbox: Outbox, stop: asyncio.Event) -> None:
        producer = create_producer(self.settings, "lotledger-relay", linger_ms=5)
        await producer.start()
        try:
            await self.recover(outbox)
            while not stop.is_set():
                batch = await outbox.next_batch(self.settings.relay_batch_size)
                if not batch:
                    self._wake.clear()
                    await _wait_any(self._wake, stop, self.idle_wait_s)
                    continue
                reached = await self._send(producer, batch)
                await outbox.published([m.id for m in batch], reached)
                PUBLISHED.inc(len(batch))
        finally:
            await producer.stop()

    async def _send(
        self, producer: AIOKafkaProducer, batch: list[OutboxMessage]
    ) -> dict[tuple[str, int], int]:
        sends = [
            await producer.send(m.topic, m.payload, key=m.key.encode(), headers=STRUCTURED)
            for m in batch
        ]
        reached: dict[tuple[str, int], int] = {}
        for meta in await asyncio.gather(*sends):
            key = (meta.topic, meta.partition)
            reached[key] = max(reached.get(key, 0), meta.offset + 1)
        return reached

    async def recover(self, outbox: Outbox) -> int:
        """Remove from the outbox what Kafka already holds past the recorded offsets."""
        stored = await outbox.offsets()
        consumer = create_consumer(
            self.settings,
            group_id=None,
            client_id="lotledger-relay-recovery",
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
        RECOVERED.inc(removed)
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


async def _wait_any(first: asyncio.Event, second: asyncio.Event, timeout_s: float) -> None:
    tasks = [asyncio.create_task(first.wait()), asyncio.create_task(second.wait())]
    try:
        await asyncio.wait(tasks, timeout=timeout_s, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await stop.wait()
