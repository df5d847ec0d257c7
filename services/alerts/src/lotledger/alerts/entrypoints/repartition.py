"""The repartition stage: `lotledger.stock.v1` (keyed by batch) copied to
`lotledger.alerts.stock-by-product.v1` (keyed by GTIN), as Kafka Streams re-keys through
an internal topic, so that each alerts projector owns whole products (docs/adr/0017).

Each record is produced with its value, headers and timestamp unchanged; only the key is
the batch id's GTIN (and, where the record carries a trace context, the context is the
copy's own producer span, so a trace shows the hop). One batch belongs to one product, so
a batch's events keep their stream order: one input partition is copied by one member,
in offset order, and the producer (idempotent, acks=all) keeps one partition's sends in
order.

Input offsets are committed to the group only after every produce of the fetch is
acknowledged. A crash in between produces those records again on restart: the alerts
projector recognises them by stream version and changes nothing. A member hands a
partition over only between two fetches (the revocation waits for the cycle in flight),
so the next owner starts exactly where the produced records end.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import orjson
import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import CommitFailedError
from aiokafka.structs import OffsetAndMetadata
from prometheus_client import Counter

from lotledger.shared.batch_fetch import Record, fetch
from lotledger.shared.contracts.topics import ALERTS_STOCK_BY_PRODUCT, STOCK
from lotledger.shared.kafka import create_consumer, create_producer
from lotledger.shared.publishing import Outgoing, publish
from lotledger.shared.settings import CommonSettings
from lotledger.shared.traced_messages import forwarding

log = structlog.get_logger("lotledger.alerts.repartition")
GROUP = "lotledger-alerts-repartition"
CLIENT = "alerts-repartition"
COPIED = Counter("lotledger_alerts_repartitioned_total", "Stock records re-keyed by product")


def product_key(record: Record) -> bytes | None:
    """The GTIN of the record's batch: the head of its key `{gtin}/{lot}`, or of its
    CloudEvent subject when it has no key; None when neither names one."""
    if record.key:
        return bytes(record.key).partition(b"/")[0]
    try:
        subject = orjson.loads(record.value).get("subject") if record.value else None
    except orjson.JSONDecodeError:
        return None
    return subject.partition("/")[0].encode() if isinstance(subject, str) else None


class Repartitioner:
    def __init__(
        self, settings: CommonSettings, max_records: int = 2000, group: str = GROUP
    ) -> None:
        self.settings = settings
        self.source = settings.topic(STOCK)
        self.target = settings.topic(ALERTS_STOCK_BY_PRODUCT)
        self.group_id = settings.topic(group)
        self.max_records = max_records
        self._cycle = asyncio.Lock()

    async def run(self, stop: asyncio.Event) -> None:
        consumer = create_consumer(
            self.settings, self.group_id, CLIENT, max_poll_records=self.max_records
        )
        producer = create_producer(self.settings, CLIENT)
        consumer.subscribe([self.source], listener=_AfterTheCycle(self._cycle))
        await producer.start()
        try:
            await consumer.start()
            log.info("repartition_started", source=self.source, target=self.target)
            while not stop.is_set():
                batches = await fetch(consumer, (), 200, self.max_records)
                if batches:
                    await self.copy(consumer, producer, batches)
        finally:
            await consumer.stop()
            await producer.stop()

    async def copy(
        self,
        consumer: AIOKafkaConsumer,
        producer: AIOKafkaProducer,
        batches: dict[TopicPartition, list[Record]],
    ) -> int:
        """Produce every record of the partitions still assigned, wait for every
        acknowledgement, then commit the offsets after them. Returns the records copied."""
        async with self._cycle:
            owned = {tp: rs for tp, rs in batches.items() if tp in consumer.assignment() and rs}
            copied = await self.produce(producer, owned)
            await self.commit(consumer, owned)
            COPIED.inc(copied)
            return copied

    async def produce(
        self, producer: AIOKafkaProducer, batches: dict[TopicPartition, list[Record]]
    ) -> int:
        """Send every record, each partition's in offset order, and wait for every
        acknowledgement."""
        records = [record for part in batches.values() for record in part]
        with forwarding(CLIENT, records, self.target) as headers:
            await publish(
                producer,
                (
                    Outgoing(self.target, product_key(r), r.value, headers(i), r.timestamp)
                    for i, r in enumerate(records)
                ),
            )
        return len(records)

    async def commit(
        self, consumer: AIOKafkaConsumer, batches: dict[TopicPartition, list[Record]]
    ) -> None:
        if not batches:
            return
        try:
            await consumer.commit(
                {tp: OffsetAndMetadata(rs[-1].offset + 1, "") for tp, rs in batches.items()}
            )
        except CommitFailedError as exc:
            # The group rebalanced meanwhile: the partitions' next owner copies again from
            # the last committed offset, and the projector skips what it has by version.
            log.info("repartition_commit_skipped", reason=str(exc)[:200])


class _AfterTheCycle(ConsumerRebalanceListener):  # type: ignore[misc]
    """Partitions are given up only once the copy in flight is produced and committed."""

    def __init__(self, cycle: asyncio.Lock) -> None:
        self.cycle = cycle

    async def on_partitions_revoked(self, revoked: Sequence[Any]) -> None:
        async with self.cycle:
            pass

    async def on_partitions_assigned(self, assigned: Sequence[Any]) -> None:
        log.info("repartition_assigned", partitions=sorted(f"{tp.partition}" for tp in assigned))
