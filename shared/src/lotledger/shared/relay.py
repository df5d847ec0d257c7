"""A relay: publishes a schema's committed rows to Kafka, in order, once per event id,
from an outbox (every service's) or from an event table read by cursor (inventory's stock
events, `lotledger.inventory.adapters.event_source`; docs/adr/0014).

- Several relays at once (docs/adr/0018-relay-shares.md): a source's rows are split into
  slots by a hash of the row's key; each live relay holds its share of the slots as
  session advisory locks and publishes only their rows. Every `rebalance_s` it looks at
  who is alive and gives up or claims slots, so a killed relay's slots are taken over
  at the survivors' next look.
- Order: a slot's rows are sent in the source's order (outbox id; an event's transaction
  and position) with an idempotent producer by the one relay holding it, so each key's
  events keep the order in which the writer committed them (the writer serialises one
  key's commits: inventory by the batch's locks, each version from a younger transaction
  than the last, `store_sql.LOCK`; traceability by partition ownership).
- Once per event id: before sending a slot's rows for the first time (after a claim, a
  start or any send failure), the relay reads each partition forward from the slot's
  recorded offsets and has the source forget every row of the slot it finds already
  published.
- `while_active`, a service's work besides publishing, runs in one relay only, behind
  the config's `lock_key`.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from prometheus_client import Counter, Gauge

from lotledger.shared.db import Driver, driver_connect
from lotledger.shared.envelope import event_id_of
from lotledger.shared.kafka import STRUCTURED, create_consumer, create_producer, partitions_of
from lotledger.shared.outbox import Outbox
from lotledger.shared.outbox_metrics import BacklogProbe, backlog_label
from lotledger.shared.publishing import Outgoing, Reached, publish
from lotledger.shared.relay_leases import SlotLeases
from lotledger.shared.relay_slots import namespace
from lotledger.shared.relay_source import OutboxMessage, RelaySource
from lotledger.shared.runner import sleep_or_stop, wait_any
from lotledger.shared.settings import CommonSettings
from lotledger.shared.traced_messages import Traced, publishing

log = structlog.get_logger("lotledger.relay")
SLOTS_HELD = Gauge("lotledger_relay_slots_held", "Outbox slots this relay publishes", ["relay"])


@dataclass(frozen=True)
class RelayConfig:
    """`name` is the client id and application name; `lock_key` must differ between
    services sharing a database (it names the single-instance lock and, with the
    schema, the slot locks); the counters are the service's own metrics."""

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
    source: Callable[[Driver], RelaySource] = Outbox
    """What the relay reads: the schema's outbox, or an event table read by cursor."""
    source_name: str = "outbox"
    """The source's NOTIFY channel is `{schema}_{source_name}`; its backlog gauge's label
    is `outbox_metrics.backlog_label`."""
    held_back_poll_s: float = 0.005
    """How soon to read again when the source left committed rows for later."""
    round_s: float = 0.05
    """The shortest time from one read to the next while reads take all there is (the
    source's `more` is false). A round's cost is mostly fixed: a scan of every held slot, a Kafka
    round trip, and the cursors and offsets recorded (a row per slot and partition). Read
    as soon as commits arrive, rounds of a few events each cost the stock relay and its
    Postgres backend half a core at 1,100 events/s (docs/adr/0014, eighth amendment); at
    750 single POSTs/s, 0.19 of a core with 20 ms rounds and 0.12 with 50 ms (eleventh
    amendment), cores the write path shares. An event waits at most this long more; a read
    after an idle spell goes at once."""


class OutboxRelay:
    def __init__(
        self,
        settings: CommonSettings,
        config: RelayConfig,
        idle_wait_s: float = 1.0,
        rebalance_s: float = 1.0,
    ) -> None:
        self.settings = settings
        self.config = config
        self.topics = list(config.topics)
        self.idle_wait_s = idle_wait_s
        self.rebalance_s = rebalance_s
        self._wake = asyncio.Event()
        self._backlog = BacklogProbe(backlog_label(config.schema, config.source_name))
        self._companion: asyncio.Task[None] | None = None

    async def run(self, stop: asyncio.Event) -> None:
        conn = await driver_connect(self.config.database_url, self.config.schema, self.config.name)
        leases = SlotLeases(conn, namespace(self.config.lock_key, self.config.schema))
        try:
            await leases.join()
            log.info("relay_joined", pid=leases.pid)
            await conn.add_listener(
                f"{self.config.schema}_{self.config.source_name}", lambda *_: self._wake.set()
            )
            source = self.config.source(conn)
            while not stop.is_set():
                try:
                    await self._serve(source, leases, stop)
                except Exception as exc:
                    if conn.is_closed():
                        raise
                    log.warning("relay_send_failed", error=str(exc))
                    with contextlib.suppress(Exception):
                        await self._backlog.maybe(source)
                    await sleep_or_stop(stop, 1.0)
        finally:
            if self._companion is not None:
                self._companion.cancel()
            SLOTS_HELD.labels(self.config.name).set(0)
            await conn.close()

    async def while_active(self, stop: asyncio.Event) -> None:
        """Work that belongs to one relay of the service (a service may add some)."""

    async def _serve(self, source: RelaySource, leases: SlotLeases, stop: asyncio.Event) -> None:
        producer = create_producer(self.settings, self.config.name, linger_ms=5)
        await producer.start()
        try:
            if leases.held:
                await self.recover(source, leases.held)
            due = 0.0
            while not stop.is_set():
                if time.monotonic() >= due:
                    await self._rebalance(source, leases, stop)
                    due = time.monotonic() + self.rebalance_s
                await self._backlog.maybe(source)
                read_at = time.monotonic()
                batch = await source.next_batch(leases.held, self.config.batch_size)
                if not batch:
                    self._wake.clear()
                    if source.held_back:
                        paced = read_at + self.config.round_s - time.monotonic()
                        await sleep_or_stop(stop, max(self.config.held_back_poll_s, paced))
                    else:
                        await wait_any(self._wake, stop, min(self.idle_wait_s, self.rebalance_s))
                    continue
                reached = await self._send(producer, batch)
                await source.published(batch, reached, leases.held)
                self.config.published.inc(len(batch))
                if not source.more:
                    await sleep_or_stop(stop, read_at + self.config.round_s - time.monotonic())
        finally:
            await producer.stop()

    async def _rebalance(
        self, source: RelaySource, leases: SlotLeases, stop: asyncio.Event
    ) -> None:
        change = await leases.rebalance()
        if change.gained:
            await self.recover(source, change.gained)
        if change.gained or change.released:
            log.info(
                "relay_slots",
                held=sorted(leases.held),
                gained=sorted(change.gained),
                released=sorted(change.released),
                relays=change.members,
            )
            SLOTS_HELD.labels(self.config.name).set(len(leases.held))
        if self._companion is None and await leases.try_single(self.config.lock_key):
            log.info("relay_companion_active")
            self._companion = asyncio.create_task(self.while_active(stop))

    async def _send(self, producer: AIOKafkaProducer, batch: list[OutboxMessage]) -> Reached:
        with publishing(batch, STRUCTURED, self._topic_of) as headers:
            return await publish(
                producer,
                (
                    Outgoing(self._topic_of(m), m.key.encode(), m.payload, headers(i))
                    for i, m in enumerate(batch)
                ),
            )

    def _topic_of(self, message: Traced) -> str:
        return message.topic or str(self.config.default_topic)

    async def recover(self, source: RelaySource, slots: Collection[int]) -> int:
        """Forget from the source the rows of `slots` that Kafka already holds past the
        slots' recorded offsets."""
        stored = await source.offsets(slots)
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
        removed = await source.forget_events(found, reached, slots)
        self.config.recovered.inc(removed)
        log.info(
            "relay_recovered", slots=sorted(slots), already_published=removed, scanned=len(found)
        )
        return removed


async def _published_since(
    consumer: AIOKafkaConsumer,
    partitions: list[TopicPartition],
    stored: Reached,
    ends: dict[TopicPartition, int],
) -> tuple[list[UUID], Reached]:
    pending = {tp for tp in partitions if stored.get((tp.topic, tp.partition), 0) < ends[tp]}
    consumer.assign(list(pending))
    for tp in pending:
        consumer.seek(tp, stored.get((tp.topic, tp.partition), 0))
    found: list[UUID] = []
    while pending:
        batches = await consumer.getmany(*pending, timeout_ms=1000)
        for tp, messages in batches.items():
            found.extend(i for i in map(_our_event_id, messages) if i)
            if messages and messages[-1].offset + 1 >= ends[tp]:
                pending.discard(tp)
        for tp in list(pending):
            if await consumer.position(tp) >= ends[tp]:
                pending.discard(tp)
    return found, {(tp.topic, tp.partition): ends[tp] for tp in partitions}


def _our_event_id(message: ConsumerRecord[Any, Any]) -> UUID | None:
    """The event id of an outbox row published; None for a record that cannot be one (a
    foreign or broken record on the topic is passed over, not a reason to stop)."""
    found = event_id_of(message.value)
    try:
        return UUID(found) if found else None
    except ValueError:
        return None
