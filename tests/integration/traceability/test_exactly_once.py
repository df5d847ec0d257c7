"""Guarantee 3 for the traceability projection: a projector killed between its database
commit and its Kafka commit, a duplicate delivery and a replay of applied offsets change
nothing. Each test projects the session's real topics into private schemas and compares
them row by row with a clean replay (the `rebuild --compare` comparison)."""

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import uuid4

import asyncpg
import httpx
import orjson
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from lotledger.shared.clock import ManualClock
from lotledger.shared.compare import compare_tables
from lotledger.shared.kafka import partitions_of
from lotledger.shared.positions import stored_positions
from lotledger.shared.projection import Projector, Record
from lotledger.shared.replay import replay_all
from lotledger.traceability.adapters.compare import COMPARED
from lotledger.traceability.bootstrap import build_engine, build_projection
from lotledger.traceability.service.projection import TraceabilityProjection
from lotledger.traceability.settings import TraceabilitySettings
from tests.integration.traceability.conftest import START, Settle
from tests.integration.traceability.lifecycle import live_through
from tests.support.infra import Infra, migrate, owner_role
from tests.support.log_world import checkpoint_now
from tests.support.stock import SCANNER
from tests.support.tokens import bearer
from tests.support.world import COLD, LOCATIONS, SUPPLIER, fresh_lot, register_sensor


class DiesBeforeKafkaCommit(Projector):
    """Stops dead after its first database commit, before any Kafka commit."""

    async def run(self, stop: asyncio.Event) -> None:
        original = self.apply

        async def apply_then_die(batches):  # type: ignore[no-untyped-def]
            applied = await original(batches)
            if applied:
                stop.set()
                raise asyncio.CancelledError
            return applied

        self.apply = apply_then_die  # type: ignore[method-assign]
        try:
            await super().run(stop)
        except asyncio.CancelledError:
            return


@pytest.fixture(scope="module")
async def traffic(
    migrated: Infra, stock_api: httpx.AsyncClient, clock: ManualClock, settled: Settle
) -> None:
    """Enough stock history for many batches of 10 records, a signed checkpoint of it, and
    readings with an excursion in a room holding one of the lots."""
    tag = fresh_lot("EO")
    room = f"WH1/EO{tag}/01"
    response = await stock_api.put(
        f"/v1/locations/{room}", json=LOCATIONS["WH1/COLD-A/01"], headers=bearer("admin")
    )
    assert response.status_code == 201, response.text
    start = START + timedelta(days=2)
    for i in range(4):
        await live_through(stock_api, clock, fresh_lot("EO"), start + timedelta(hours=i))
    clock.set(start + timedelta(hours=12))
    k = {"gtin": COLD, "lot": tag, "qty": 5, "location": room}
    response = await stock_api.post(
        "/v1/receipts",
        json={**k, "expiry": "2028-01-31", "supplier": SUPPLIER},
        headers=SCANNER,
    )
    assert response.status_code == 201, response.text
    await settled()
    await checkpoint_now(migrated)
    await settled()
    await register_sensor(stock_api, bearer("admin"), f"S-{tag}", room)
    readings = [
        {
            "sensor": f"S-{tag}",
            "location": room,
            "at": (start + timedelta(hours=12, minutes=m)).isoformat(),
            "temperature_c": 9.0 if 20 <= m < 50 else 5.0,
            "humidity_pct": 80.0 if 30 <= m < 40 else 50.0,
        }
        for m in range(0, 90, 5)
    ]
    clock.set(start + timedelta(hours=14))
    response = await stock_api.post(
        "/v1/telemetry/readings", json={"readings": readings}, headers=bearer("sensor")
    )
    assert response.status_code == 202, response.text
    await settled()


@dataclass(frozen=True)
class Schema:
    name: str
    engine: AsyncEngine


async def _schema(infra: Infra, settings: TraceabilitySettings) -> AsyncIterator[Schema]:
    name = f"probe_{uuid4().hex[:8]}"
    admin = await asyncpg.connect(infra.admin_url())
    try:
        await admin.execute(f"CREATE SCHEMA {name} AUTHORIZATION {owner_role('traceability')}")
    finally:
        await admin.close()
    await migrate(infra, "traceability", name)
    engine = build_engine(settings, "probe", name)
    try:
        yield Schema(name, engine)
    finally:
        await engine.dispose()


@pytest.fixture
async def probe(
    migrated: Infra, traceability_settings: TraceabilitySettings
) -> AsyncIterator[Schema]:
    async for schema in _schema(migrated, traceability_settings):
        yield schema


@pytest.fixture
async def reference(
    migrated: Infra, traceability_settings: TraceabilitySettings
) -> AsyncIterator[Schema]:
    async for schema in _schema(migrated, traceability_settings):
        yield schema


def _projection(settings: TraceabilitySettings) -> TraceabilityProjection:
    return build_projection(settings, publish=True)


def _outcome(queued: Sequence[Any]) -> dict[str, str]:
    """Each excursion's last queued event id, for those not withdrawn in the end. Readings
    of one room's sensors sit on several partitions, so how batches cut them decides
    whether an end is published once or corrected later (a new event id); what was
    published last must not depend on it."""
    last: dict[str, tuple[str, str]] = {}
    for event_id, payload in queued:
        event = orjson.loads(payload)
        last[event["data"]["excursion_id"]] = (str(event_id), event["type"])
    return {x: e for x, (e, kind) in last.items() if not kind.endswith(".withdrawn.v1")}


async def _assert_equal(probe: Schema, reference: Schema) -> None:
    """Every read model equal row by row, no excursion event queued twice, and the same
    last event queued for every excursion."""
    async with probe.engine.connect() as conn:
        verdicts = await compare_tables(conn, probe.name, reference.name, COMPARED)
        queued = [
            (
                await conn.execute(text(f"SELECT event_id, payload FROM {s}.outbox ORDER BY id"))  # noqa: S608
            ).all()
            for s in (probe.name, reference.name)
        ]
    assert [v for v in verdicts if not v.equal] == []
    assert all(v.live_rows > 0 for v in verdicts)
    assert len(queued[0]) >= 4
    ids = [event_id for event_id, _ in queued[0]]
    assert len(ids) == len(set(ids))
    assert _outcome(queued[0]) == _outcome(queued[1])


async def _run_to_end(projector: Projector, settings: TraceabilitySettings) -> None:
    partitions = await _partitions(settings, projector.projection.topics)
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap)
    await consumer.start()
    ends = await consumer.end_offsets(partitions)
    await consumer.stop()
    stop = asyncio.Event()
    task = asyncio.create_task(projector.run(stop))
    try:
        async with asyncio.timeout(60):
            while True:
                if all(projector.positions.get(tp, 0) >= end for tp, end in ends.items()):
                    break
                await asyncio.sleep(0.1)
    finally:
        stop.set()
        await task


async def _partitions(
    settings: TraceabilitySettings, topics: Sequence[str]
) -> list[TopicPartition]:
    return [tp for t in topics for tp in await partitions_of(settings.kafka_bootstrap, t)]


async def _first_records(
    settings: TraceabilitySettings, limit: int
) -> dict[TopicPartition, list[Record]]:
    partitions = await _partitions(settings, _projection(settings).topics)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap, enable_auto_commit=False
    )
    await consumer.start()
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        batches: dict[TopicPartition, list[Record]] = await consumer.getmany(
            timeout_ms=2000, max_records=limit
        )
    finally:
        await consumer.stop()
    return batches


async def test_a_projector_killed_between_its_commits_double_counts_nothing(
    traffic: None,
    traceability_settings: TraceabilitySettings,
    probe: Schema,
    reference: Schema,
) -> None:
    group = f"probe-{uuid4().hex[:6]}"
    settings = traceability_settings
    dying = DiesBeforeKafkaCommit(settings, probe.engine, _projection(settings), group, 10)
    await dying.run(asyncio.Event())
    async with probe.engine.connect() as conn:
        assert 0 < sum((await stored_positions(conn, "traceability")).values()) <= 10

    await _run_to_end(Projector(settings, probe.engine, _projection(settings), group, 10), settings)
    await replay_all(settings, reference.engine, _projection(settings))
    await _assert_equal(probe, reference)


async def test_duplicates_and_replays_of_applied_offsets_change_nothing(
    traffic: None,
    traceability_settings: TraceabilitySettings,
    probe: Schema,
    reference: Schema,
) -> None:
    settings = traceability_settings
    await replay_all(settings, probe.engine, _projection(settings), max_records=10)
    await replay_all(settings, reference.engine, _projection(settings))
    await _assert_equal(probe, reference)

    applied, _ = await replay_all(settings, probe.engine, _projection(settings))
    assert applied == 0
    records = await _first_records(settings, 400)
    assert records
    duplicate = Projector(settings, probe.engine, _projection(settings), "unused")
    assert await duplicate.apply(records) == 0
    async with probe.engine.begin() as conn:
        await conn.execute(text("SELECT 1"))
        await _projection(settings).apply(conn, [r for rs in records.values() for r in rs])
    await _assert_equal(probe, reference)
