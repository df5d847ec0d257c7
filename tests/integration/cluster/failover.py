"""One partition leader SIGKILLed under load on a 3-broker cluster, and brought back.

While it runs: the project's producer (`create_producer`: idempotent, acks=all) sends
numbered records to a topic of its own, keyed so that each key's numbers rise; a Projector
(the shared consumer machinery) applies them to a table; the inventory API takes stock
operations and its relay, as a process, publishes them. After a warm-up the broker
leading most partitions of both topics is SIGKILLed; once the controller has moved its
leaderships the load goes on for a while on two brokers, then the broker is started again
and the run waits until it is back in every partition's ISR. `Failover` keeps what each
party saw, for the tests to judge.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import uuid4

import orjson
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import RecordMetadata
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from lotledger.inventory.bootstrap import create_app
from lotledger.shared.contracts.topics import STOCK, TopicSpec
from lotledger.shared.kafka import create_producer, ensure_topics
from lotledger.shared.projection import Projector, Record
from lotledger.shared.settings import CommonSettings
from tests.support.apps import serve
from tests.support.infra import Infra
from tests.support.kafka import read_topic
from tests.support.kafka_instance import KafkaInstance
from tests.support.private import settings_for
from tests.support.probe import probe_schema
from tests.support.relay import pick, receipt, spawn_relay, unpublished
from tests.support.tokens import bearer
from tests.support.world import seed_catalog

LOAD = TopicSpec("failover.load", "K<n mod 24>")
KEYS = 24
RECORDS_PER_S = 100
LOTS = 30
POSTS_PER_S = 4
"""Each post picks one unit of every lot: LOTS stock events."""
SCANNER = bearer("scanner", warehouses=["WH1"])


@dataclass
class Failover:
    victim: int = 0
    killed_at: float = 0.0
    led_over_at: float = 0.0
    """When no partition of either topic was led by the victim any more."""
    returned_at: float = 0.0
    rejoined_at: float = 0.0
    """When the victim was back in the ISR of every partition of either topic."""
    sent: dict[int, float] = field(default_factory=dict)
    acked: dict[int, float] = field(default_factory=dict)
    failed: dict[int, str] = field(default_factory=dict)
    log: list[tuple[int, str, int, int]] = field(default_factory=list)
    """(n, key, partition, offset) of every record on the load topic, in partition order."""
    applied: list[tuple[int, int, int]] = field(default_factory=list)
    """(n, partition, offset) of every record the projector applied."""
    projector_error: BaseException | None = None
    isr: dict[str, list[list[int]]] = field(default_factory=dict)
    """Each partition's ISR at the end, per topic."""
    replicas: dict[str, list[list[int]]] = field(default_factory=dict)
    committed_stock_events: int = 0
    lots: list[str] = field(default_factory=list)
    stock: list[dict[str, Any]] = field(default_factory=list)
    """Every message on the stock topic, as read from offset zero."""

    def acked_between(self, start: float, end: float) -> list[int]:
        """Records sent after `start` whose acknowledgement came before `end`."""
        return [n for n, at in self.acked.items() if self.sent[n] > start and at < end]


class Applied:
    """The consumer under test: records every record it is given, with its position."""

    consumer = "failover"

    def __init__(self, topic: str) -> None:
        self.topics: Sequence[str] = [topic]

    async def apply(self, conn: AsyncConnection, records: Sequence[Record]) -> None:
        await conn.execute(
            text(
                "INSERT INTO applied SELECT * FROM unnest(CAST(:n AS int[]), "
                "CAST(:p AS int[]), CAST(:o AS bigint[]))"
            ),
            {
                "n": [orjson.loads(r.value)["n"] for r in records],
                "p": [r.partition for r in records],
                "o": [r.offset for r in records],
            },
        )


def key_of(n: int) -> str:
    return f"K{n % KEYS}"


async def produce(settings: CommonSettings, topic: str, stop: asyncio.Event, run: Failover) -> None:
    producer = create_producer(settings, "failover-load")
    await producer.start()
    pending: list[asyncio.Future[RecordMetadata]] = []

    def settled(n: int, future: asyncio.Future[RecordMetadata]) -> None:
        if future.exception() is None:
            run.acked[n] = time.monotonic()
        else:
            run.failed[n] = repr(future.exception())

    try:
        n = 0
        while not stop.is_set():
            for _ in range(RECORDS_PER_S // 10):
                future = await producer.send(topic, orjson.dumps({"n": n}), key=key_of(n).encode())
                run.sent[n] = time.monotonic()
                future.add_done_callback(lambda f, n=n: settled(n, f))
                pending.append(future)
                n += 1
            await asyncio.sleep(0.1)
        await asyncio.gather(*pending, return_exceptions=True)
    finally:
        await producer.stop()


async def write_stock(client: Any, stop: asyncio.Event, run: Failover) -> None:
    """Receipts of LOTS lots, then a pick of each, POSTS_PER_S times a second."""
    lots = [f"FO{i:03d}" for i in range(LOTS)]
    run.lots = lots
    rounds = [[receipt(lot, 10_000) for lot in lots]]
    n = 0
    while not stop.is_set() or rounds:
        operations = rounds.pop() if rounds else [pick(lot, n) for lot in lots]
        response = await client.post(
            "/v1/operations", headers=SCANNER, json={"operations": operations}
        )
        body = response.json()
        assert response.status_code == 200, body
        assert body["refused"] == 0, body
        run.committed_stock_events += len(operations)
        n += 1
        await asyncio.sleep(1 / POSTS_PER_S)


async def describe(bootstrap: str, topics: list[str]) -> dict[str, list[dict[str, Any]]]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="failover-admin")
    await admin.start()
    try:
        described = await admin.describe_topics(topics)
    finally:
        await admin.close()
    return {t["topic"]: sorted(t["partitions"], key=lambda p: p["partition"]) for t in described}


async def wait_until(
    check: Any, bootstrap: str, topics: list[str], timeout_s: float, what: str
) -> float:
    async with asyncio.timeout(timeout_s):
        while True:
            try:
                if check(await describe(bootstrap, topics)):
                    return time.monotonic()
            except Exception:  # noqa: S110 - a metadata request may fail during the failover
                pass
            await asyncio.sleep(0.25)
    raise AssertionError(what)  # pragma: no cover


async def until(condition: Any, timeout_s: float, what: str) -> None:
    try:
        async with asyncio.timeout(timeout_s):
            while not await condition():
                await asyncio.sleep(0.2)
    except TimeoutError as exc:
        raise AssertionError(f"{what} within {timeout_s} s") from exc


async def run_failover(cluster: KafkaInstance, world: Infra) -> Failover:
    run = Failover()
    settings = CommonSettings(
        kafka_bootstrap=cluster.bootstrap,
        topic_prefix=world.topic_prefix,
        topic_partitions=3,
        topic_replication=3,
    )
    await ensure_topics(settings, [LOAD])
    load_topic, stock_topic = settings.topic(LOAD.name), settings.topic(STOCK)
    topics = [load_topic, stock_topic]
    engine: AsyncEngine = await probe_schema(
        world,
        f"failover_{uuid4().hex[:8]}",
        "CREATE TABLE applied (n int NOT NULL, partition int NOT NULL, position bigint NOT NULL)",
    )
    stop_load, stop_projector = asyncio.Event(), asyncio.Event()
    projector = Projector(settings, engine, Applied(load_topic), "failover", max_records=200)
    projecting = asyncio.create_task(projector.run(stop_projector))
    relay = await spawn_relay(world)
    try:
        async with serve(create_app(settings_for(world))) as client:
            await seed_catalog(client, bearer("admin"))
            loads = [
                asyncio.create_task(produce(settings, load_topic, stop_load, run)),
                asyncio.create_task(write_stock(client, stop_load, run)),
            ]
            try:
                await _kill_and_return(cluster, world, engine, run, topics)
            finally:
                stop_load.set()
                await asyncio.gather(*loads)
        await until(lambda: _all_published(world), 60, "the relay did not publish everything")
        await until(
            lambda: _applied_all(engine, run), 60, "the projector did not apply every record"
        )
        if projecting.done():
            run.projector_error = projecting.exception()
    finally:
        relay.send_signal(signal.SIGTERM)
        await relay.wait()
        stop_projector.set()
        try:
            await projecting
        except Exception as exc:
            run.projector_error = run.projector_error or exc
    async with engine.connect() as conn:
        rows = await conn.execute(text("SELECT n, partition, position FROM applied"))
        run.applied = [(r.n, r.partition, r.position) for r in rows]
    await engine.dispose()
    logged = await read_topic(cluster.bootstrap, load_topic, until=None)
    run.log = [(m["n"], m["_key"], m["_partition"], m["_offset"]) for m in logged]
    run.stock = await read_topic(cluster.bootstrap, stock_topic, until=None)
    metadata = await describe(cluster.bootstrap, topics)
    run.isr = {t: [sorted(p["isr"]) for p in ps] for t, ps in metadata.items()}
    run.replicas = {t: [sorted(p["replicas"]) for p in ps] for t, ps in metadata.items()}
    return run


async def _kill_and_return(
    cluster: KafkaInstance, world: Infra, engine: AsyncEngine, run: Failover, topics: list[str]
) -> None:
    await until(
        lambda: _warm(world, engine, run), 60, "no record was acknowledged, applied and relayed"
    )
    leaders = Counter(
        p["leader"] for ps in (await describe(cluster.bootstrap, topics)).values() for p in ps
    )
    run.victim = leaders.most_common(1)[0][0]
    await cluster.kill(run.victim)
    run.killed_at = time.monotonic()
    run.led_over_at = await wait_until(
        lambda m: all(p["leader"] not in (run.victim, -1) for ps in m.values() for p in ps),
        cluster.bootstrap,
        topics,
        60,
        f"broker {run.victim}'s partitions got no new leader",
    )
    await asyncio.sleep(3)
    await cluster.start()
    run.returned_at = time.monotonic()
    run.rejoined_at = await wait_until(
        lambda m: all(len(p["isr"]) == 3 for ps in m.values() for p in ps),
        cluster.bootstrap,
        topics,
        60,
        f"broker {run.victim} did not rejoin every ISR",
    )
    await asyncio.sleep(2)


async def _warm(world: Infra, engine: AsyncEngine, run: Failover) -> bool:
    if len(run.acked) < 200 or run.committed_stock_events < 2 * LOTS:
        return False
    async with engine.connect() as conn:
        applied = (await conn.execute(text("SELECT count(*) FROM applied"))).scalar_one()
    return applied > 100 and await unpublished(world) < run.committed_stock_events


async def _all_published(world: Infra) -> bool:
    return await unpublished(world) == 0


async def _applied_all(engine: AsyncEngine, run: Failover) -> bool:
    async with engine.connect() as conn:
        seen = {n for (n,) in await conn.execute(text("SELECT n FROM applied"))}
    return set(run.acked) <= seen
