"""Synthetic, contract-valid histories for the read-model scenarios: long stock streams of
one product (a receipt big enough for everything after it, then moves, picks, adjustments
and disposals a minute apart), hash-chained as the inventory relay publishes them, the
cold-room locations they move between, and temperature readings with an excursion every
four hours. Envelopes are plain dicts in `CloudEvent.to_dict()` form (`Chainer`), with
ids from the seeded generator."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import orjson
from lotledger_bench.generator import Chainer

from lotledger.shared.contracts import catalog, telemetry
from lotledger.shared.contracts.catalog import Location, LocationKind, StorageClass
from lotledger.shared.contracts.stock import (
    Adjusted,
    BatchStatus,
    Disposed,
    Moved,
    Picked,
    Received,
    StockEvent,
)
from lotledger.shared.contracts.telemetry import Reading
from lotledger.shared.contracts.topics import CATALOG, STOCK, TELEMETRY
from lotledger.shared.envelope import format_time
from lotledger.shared.identifiers import batch_id
from lotledger.shared.kafka import create_producer
from lotledger.shared.settings import CommonSettings

GTIN = "09506000134352"
PLACES = ("WH1/COLD-A/01", "WH1/COLD-A/02", "WH1/COLD-B/01")
CONSIGNEES = ("9506000000022", "9506000000039", "9506000000046")
START = datetime(2025, 1, 1, tzinfo=UTC)
IN_FLIGHT = 20_000
"""Records a publisher sends before waiting for their acknowledgements."""


def payloads(lot: str, count: int, start: datetime) -> Iterator[StockEvent]:
    """A receipt big enough for everything after it, then moves, picks, adjustments and
    disposals one minute apart; every quantity stays positive."""
    k = {"gtin": GTIN, "lot": lot}
    yield Received(
        **k,
        at=start,
        location=PLACES[0],
        qty=10**8,
        expiry=date(2030, 1, 31),
        supplier="9506000000015",
        reference="PO-1",
        status=BatchStatus.AVAILABLE,
    )
    for i in range(1, count):
        at = start + timedelta(minutes=i)
        there = PLACES[(i + 1) % 3]
        match i % 5:
            case 0 | 1:
                yield Moved(**k, at=at, qty=2, from_location=PLACES[0], to_location=there)
            case 2:
                yield Picked(
                    **k,
                    at=at,
                    location=PLACES[0],
                    qty=1,
                    order_ref=f"SO-{i}",
                    ship_to=CONSIGNEES[i % 3],
                )
            case 3:
                yield Adjusted(**k, at=at, location=PLACES[0], delta=-1, reason="damaged")
            case _:
                yield Disposed(**k, at=at, location=PLACES[0], qty=1, reason="expired")


def stream(
    chainer: Chainer, lot: str, count: int, start: datetime
) -> Iterator[tuple[StockEvent, dict[str, Any]]]:
    """Each event of the lot's history with its envelope."""
    subject = batch_id(GTIN, lot)
    for event in payloads(lot, count, start):
        yield event, chainer.envelope(subject, event, event.at)


def location_envelope(location_id: str) -> dict[str, Any]:
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
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"bench-location:{location_id}")),
        "source": "/inventory/catalog",
        "type": catalog.LOCATION_REGISTERED,
        "subject": catalog.location_key(location_id),
        "time": format_time(START),
        "datacontenttype": "application/json",
        "data": record.as_data(),
        "streamversion": 1,
        "actor": "bench",
    }


def reading_envelope(i: int, rng: random.Random) -> tuple[str, dict[str, Any]]:
    """Reading `i` of three sensors, a minute apart per sensor; 9 °C (out of the cold
    range) for the first half hour of every four hours."""
    sensor, place = f"S{i % 3}", PLACES[i % 3]
    at = START + timedelta(minutes=i // 3)
    value = Reading(
        sensor=sensor,
        location=place,
        at=at,
        temperature_c=9.0 if (i // 3) % 240 < 30 else 5.0,
        humidity_pct=50.0,
    )
    return sensor, {
        "specversion": "1.0",
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "source": "/inventory/WH1/telemetry",
        "type": telemetry.READING,
        "subject": sensor,
        "time": format_time(at),
        "datacontenttype": "application/json",
        "data": value.as_data(),
        "actor": "bench",
    }


async def publish(
    settings: CommonSettings,
    lots: int,
    per_lot: int,
    readings: int = 0,
    *,
    seed: int,
    lot_prefix: str = "B",
) -> int:
    """Publish the locations, `lots` histories of `per_lot` events and `readings` readings
    to the settings' topics, keyed as the services key them; returns the records sent."""
    producer = create_producer(settings, "lotledger-bench-synthetic", linger_ms=20)
    await producer.start()
    chainer, rng = Chainer(seed=seed, actor="bench"), random.Random(seed)
    pending: list[asyncio.Future[Any]] = []
    sent = 0

    async def send(topic: str, envelope: dict[str, Any], key: str) -> None:
        nonlocal pending, sent
        pending.append(await producer.send(topic, orjson.dumps(envelope), key=key.encode()))
        if len(pending) >= IN_FLIGHT:
            sent += len(await asyncio.gather(*pending))
            pending = []

    try:
        for place in PLACES:
            env = location_envelope(place)
            await send(settings.topic(CATALOG), env, env["subject"])
        for n in range(lots):
            lot = f"{lot_prefix}{n:07d}"
            for _, env in stream(chainer, lot, per_lot, START + timedelta(minutes=n)):
                await send(settings.topic(STOCK), env, env["subject"])
        for i in range(readings):
            sensor, env = reading_envelope(i, rng)
            await send(settings.topic(TELEMETRY), env, sensor)
        sent += len(await asyncio.gather(*pending))
    finally:
        await producer.stop()
    return sent
