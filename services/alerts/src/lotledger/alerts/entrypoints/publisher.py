"""Publishes the alert-event outbox to `lotledger.alerts.v1`, once per event id.

The same discipline as inventory's relay (docs/adr/0001): one active instance (advisory
lock), rows sent in id order with an idempotent producer keyed by alert id (one alert's
changes stay in order: they are committed one after another under the `evaluate` lock),
and after a start or any send failure it reads the topic forward from the offsets it
recorded and drops every row whose event id is already there before sending again.
"""

from __future__ import annotations

import asyncio

import orjson
import structlog
from aiokafka import AIOKafkaProducer
from prometheus_client import Counter, Gauge

from lotledger.alerts.adapters.alert_outbox import AlertOutbox, OutboxMessage, Reached
from lotledger.alerts.adapters.locks import Purpose
from lotledger.alerts.entrypoints.workers import hold_lock, sleep_or_stop, wait_any
from lotledger.alerts.settings import AlertsSettings
from lotledger.shared.contracts.topics import ALERTS
from lotledger.shared.kafka import create_consumer, create_producer, partitions_of

log = structlog.get_logger("lotledger.alerts.publisher")
PUBLISHED = Counter("lotledger_alerts_published_total", "Alert events published to Kafka")
BACKLOG = Gauge("lotledger_alerts_outbox_backlog", "Alert events committed, not yet in Kafka")


class Publisher:
    def __init__(self, settings: AlertsSettings, idle_wait_s: float = 1.0) -> None:
        self.settings = settings
        self.topic = settings.topic(ALERTS)
        self.idle_wait_s = idle_wait_s
        self._wake = asyncio.Event()

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            conn = await hold_lock(self.settings, Purpose.PUBLISH, stop)
            if conn is None:
                return
            try:
                await conn.add_listener(
                    f"{self.settings.alerts_db_schema}_alert_outbox", lambda *_: self._wake.set()
                )
                outbox = AlertOutbox(conn)
                while not stop.is_set() and not conn.is_closed():
                    try:
                        await self._serve(outbox, stop)
                    except Exception as exc:
                        log.warning("publish_failed", error=str(exc))
                        await sleep_or_stop(stop, 1.0)
            finally:
                await conn.close()

    async def _serve(self, outbox: AlertOutbox, stop: asyncio.Event) -> None:
        producer = create_producer(self.settings, "lotledger-alerts-publisher", linger_ms=5)
        await producer.start()
        try:
            await self.recover(outbox)
            while not stop.is_set():
                batch = await outbox.next_batch(self.settings.alerts_publish_batch)
                if not batch:
                    BACKLOG.set(0)
                    self._wake.clear()
                    await wait_any(self._wake, stop, self.idle_wait_s)
                    continue
                reached = await self._send(producer, batch)
                await outbox.published([m.id for m in batch], reached)
                PUBLISHED.inc(len(batch))
                BACKLOG.set(await outbox.backlog())
        finally:
            await producer.stop()

    async def _send(self, producer: AIOKafkaProducer, batch: list[OutboxMessage]) -> Reached:
        sends = [await producer.send(self.topic, m.payload, key=m.key.encode()) for m in batch]
        reached: Reached = {}
        for meta in await asyncio.gather(*sends):
            key = (meta.topic, meta.partition)
            reached[key] = max(reached.get(key, 0), meta.offset + 1)
        return reached

    async def recover(self, outbox: AlertOutbox) -> int:
        """Drop from the outbox what Kafka already holds past the recorded offsets."""
        stored = await outbox.offsets()
        partitions = await partitions_of(self.settings.kafka_bootstrap, self.topic)
        if not partitions:
            return 0
        consumer = create_consumer(
            self.settings, None, "lotledger-alerts-recovery", isolation_level="read_uncommitted"
        )
        await consumer.start()
        found: list[str] = []
        try:
            ends = await consumer.end_offsets(partitions)
            pending = {
                tp for tp in partitions if stored.get((tp.topic, tp.partition), 0) < ends[tp]
            }
            consumer.assign(list(pending))
            for tp in pending:
                consumer.seek(tp, stored.get((tp.topic, tp.partition), 0))
            while pending:
                batches = await consumer.getmany(*pending, timeout_ms=1000)
                for records in batches.values():
                    found.extend(orjson.loads(r.value)["id"] for r in records if r.value)
                pending = {tp for tp in pending if await consumer.position(tp) < ends[tp]}
        finally:
            await consumer.stop()
        reached = {(tp.topic, tp.partition): ends[tp] for tp in partitions}
        removed = await outbox.forget_events(found, reached)
        log.info("publisher_recovered", already_published=removed, scanned=len(found))
        return removed
