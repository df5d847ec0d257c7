"""A room's inputs span partitions (its catalog record on one, each sensor's readings on
another), and projector replicas own different partitions: two transactions may work on
one room at once. Climate work is serialised per location, so the one that commits last
sees what the other wrote. Here a batch of readings is applied while the room is not yet
known and, before it commits, another transaction learns the room: the excursion the
readings hold must be found all the same."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from uuid import uuid4

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from lotledger.shared.contracts import catalog, telemetry
from lotledger.shared.contracts.catalog import Location, LocationKind, RangeInForce, StorageClass
from lotledger.shared.contracts.telemetry import Reading
from lotledger.shared.envelope import CloudEvent
from lotledger.traceability.bootstrap import build_engine, build_projection
from lotledger.traceability.settings import TraceabilitySettings
from tests.integration.traceability.conftest import START
from tests.support.infra import Infra, migrate, owner_role

ROOM = "WH1/RACE-A/01"
T = START + timedelta(days=40)


@dataclass(frozen=True)
class Record:
    """What the projection reads of a Kafka record."""

    topic: str
    value: bytes
    partition: int = 0
    offset: int = 0


@pytest.fixture
async def schema(
    migrated: Infra, traceability_settings: TraceabilitySettings
) -> AsyncIterator[tuple[str, AsyncEngine]]:
    name = f"race_{uuid4().hex[:8]}"
    admin = await asyncpg.connect(migrated.admin_url())
    try:
        await admin.execute(f"CREATE SCHEMA {name} AUTHORIZATION {owner_role('traceability')}")
    finally:
        await admin.close()
    await migrate(migrated, "traceability", name)
    engine = build_engine(traceability_settings, "race", name)
    try:
        yield name, engine
    finally:
        await engine.dispose()


def _room_record(settings: TraceabilitySettings) -> Record:
    room = Location(
        location_id=ROOM,
        warehouse="WH1",
        name="race room",
        kind=LocationKind.STORAGE,
        storage_class=StorageClass.COLD,
        temp_min_c=2.0,
        temp_max_c=8.0,
        ranges=[RangeInForce(since=T, temp_min_c=2.0, temp_max_c=8.0)],
    )
    event = CloudEvent(
        id=uuid4(),
        source="/inventory/catalog",
        type=catalog.LOCATION_REGISTERED,
        subject=catalog.location_key(ROOM),
        time=T,
        data=room.as_data(),
        streamversion=1,
    )
    return Record(settings.topic("lotledger.catalog.v1"), event.to_json())


def _readings(settings: TraceabilitySettings) -> list[Record]:
    records = []
    for minute in range(0, 30, 5):
        at = T + timedelta(minutes=minute)
        reading = Reading(
            sensor="RACE-1", location=ROOM, at=at, temperature_c=9.5 if minute >= 10 else 5.0
        )
        event = CloudEvent(
            id=uuid4(),
            source="/inventory/WH1/telemetry",
            type=telemetry.READING,
            subject="RACE-1",
            time=at,
            data=reading.as_data(),
            recordedtime=at,
        )
        records.append(Record(settings.topic("lotledger.telemetry.v1"), event.to_json()))
    return records


async def test_readings_and_the_room_learned_at_once_still_find_the_excursion(
    schema: tuple[str, AsyncEngine], traceability_settings: TraceabilitySettings
) -> None:
    name, engine = schema
    projection = build_projection(traceability_settings, publish=False)
    async with engine.connect() as readings_conn, engine.connect() as catalog_conn:
        readings_tx = await readings_conn.begin()
        await readings_conn.execute(text("SELECT 1"))
        await projection.apply(readings_conn, _readings(traceability_settings))
        catalog_tx = await catalog_conn.begin()
        await catalog_conn.execute(text("SELECT 1"))
        learning = asyncio.create_task(
            projection.apply(catalog_conn, [_room_record(traceability_settings)])
        )
        await asyncio.sleep(1.0)
        await readings_tx.commit()
        await asyncio.wait_for(learning, 30)
        await catalog_tx.commit()
    async with engine.connect() as conn:
        found = (
            await conn.execute(
                text(f"SELECT started_at, limit_value FROM {name}.excursions WHERE location = :l"),  # noqa: S608
                {"l": ROOM},
            )
        ).all()
    assert [(r.started_at, r.limit_value) for r in found] == [(T + timedelta(minutes=10), 8.0)]
