"""Rebuild throughput: publish a synthetic history (catalog, stock, readings) to private
topics, then time `lotledger-traceability rebuild` replaying it into the rebuild schema (with the
command's garbage-collector settings).

    uv run python -m bench.rebuild_throughput [--lots 2000] [--per-lot 100] [--readings 50000]
        [--jobs 1 2]

Uses the local Postgres and Kafka (a throwaway database and topic prefix, removed after).
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import UTC, datetime, timedelta
from uuid import uuid4

from tests.support.infra import provision

from bench.synthetic import PLACES, drop_database, envelopes
from lotledger.shared.contracts import catalog, telemetry
from lotledger.shared.contracts.catalog import Location, LocationKind, StorageClass
from lotledger.shared.contracts.telemetry import Reading
from lotledger.shared.contracts.topics import CATALOG, STOCK, TELEMETRY
from lotledger.shared.envelope import CloudEvent
from lotledger.shared.kafka import create_producer, delete_topics, ensure_topics
from lotledger.shared.migrations import upgrade_async
from lotledger.traceability.bootstrap import MIGRATIONS
from lotledger.traceability.entrypoints.gc_tuning import tune_for_batches
from lotledger.traceability.entrypoints.rebuild import rebuild
from lotledger.traceability.settings import TraceabilitySettings

START = datetime(2026, 1, 1, tzinfo=UTC)


def _location(location_id: str) -> CloudEvent:
    record = Location(
        location_id=location_id,
        warehouse="WH1",
        name=location_id,
        kind=LocationKind.STORAGE,
        storage_class=StorageClass.COLD,
        temp_min_c=2,
        temp_max_c=8,
        humidity_min_pct=35,
        humidity_max_pct=75,
    )
    return CloudEvent(
        id=uuid4(),
        source="/inventory/catalog",
        type=catalog.LOCATION_REGISTERED,
        subject=catalog.location_key(location_id),
        time=START,
        data=record.as_data(),
        streamversion=1,
        actor="bench",
    )


def _reading(i: int) -> tuple[str, CloudEvent]:
    sensor, place = f"S{i % 3}", PLACES[i % 3]
    at = START + timedelta(minutes=i // 3)
    value = Reading(
        sensor=sensor,
        location=place,
        at=at,
        temperature_c=9.0 if (i // 3) % 240 < 30 else 5.0,
        humidity_pct=50.0,
    )
    event = CloudEvent(
        id=uuid4(),
        source="/inventory/WH1/telemetry",
        type=telemetry.READING,
        subject=sensor,
        time=at,
        data=value.as_data(),
        actor="bench",
    )
    return sensor, event


async def publish(settings: TraceabilitySettings, lots: int, per_lot: int, readings: int) -> int:
    producer = create_producer(settings, "bench", linger_ms=20)
    await producer.start()
    sent = 0
    try:
        pending = [
            await producer.send(settings.topic(CATALOG), _location(p).to_json(), key=p.encode())
            for p in PLACES
        ]
        for n in range(lots):
            lot = f"B{n:07d}"
            for event in envelopes(lot, per_lot, START + timedelta(minutes=n)):
                key = f"{event.subject}".encode()
                pending.append(await producer.send(settings.topic(STOCK), event.to_json(), key=key))
            if len(pending) > 20_000:
                sent += len(await asyncio.gather(*pending))
                pending = []
        for i in range(readings):
            sensor, event = _reading(i)
            pending.append(
                await producer.send(settings.topic(TELEMETRY), event.to_json(), key=sensor.encode())
            )
        sent += len(await asyncio.gather(*pending))
    finally:
        await producer.stop()
    return sent


async def main(lots: int, per_lot: int, readings: int, jobs: list[int]) -> None:
    infra = await provision()
    settings = TraceabilitySettings(
        traceability_database_url=infra.url("traceability"),
        kafka_bootstrap=infra.kafka_bootstrap,
        topic_prefix=infra.topic_prefix,
    )
    try:
        await ensure_topics(settings)
        await upgrade_async(MIGRATIONS, settings.traceability_database_url, "traceability")
        started = time.perf_counter()
        sent = await publish(settings, lots, per_lot, readings)
        print(f"published {sent} records in {time.perf_counter() - started:.1f} s")
        for n in jobs:
            print(f"--jobs {n}")
            await rebuild(settings, compare=False, jobs=n)
    finally:
        try:
            await drop_database(infra)
        finally:
            names = [STOCK, CATALOG, TELEMETRY, "lotledger.excursions.v1", "lotledger.alerts.v1"]
            await delete_topics(settings, [settings.topic(t) for t in names])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lots", type=int, default=2000)
    parser.add_argument("--per-lot", type=int, default=100)
    parser.add_argument("--readings", type=int, default=50_000)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="one rebuild each")
    args = parser.parse_args()
    tune_for_batches()
    asyncio.run(main(args.lots, args.per_lot, args.readings, args.jobs))
