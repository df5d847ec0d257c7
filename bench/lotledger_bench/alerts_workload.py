"""A synthetic stock history over many products for the alerts projector
(`alerts_workers`, and the two-projector integration test): `products` products with a
reorder point, each receiving lots and picking from them so that low_stock and stock_out
raise and resolve, the products' streams interleaved (a consumer batch touches many
products, as a busy warehouse does). Envelopes are hash-chained per batch as the inventory
relay publishes them, straight to the stock topic keyed by batch id."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import orjson
from lotledger_bench.generator import Chainer
from lotledger_bench.generator.catalog import gtin
from lotledger_bench.synthetic import location_envelope

from lotledger.shared.contracts import catalog
from lotledger.shared.contracts.catalog import Product, StorageClass
from lotledger.shared.contracts.stock import BatchStatus, Picked, Received, StockEvent
from lotledger.shared.contracts.topics import CATALOG, STOCK
from lotledger.shared.envelope import format_time
from lotledger.shared.identifiers import batch_id
from lotledger.shared.kafka import create_producer
from lotledger.shared.settings import CommonSettings

COMPANY = "950602"
PLACE = "WH1/COLD-A/01"
START = datetime(2026, 6, 1, tzinfo=UTC)
PER_LOT = 5
"""A receipt of 30 and four picks of 6: the product's stock rises and falls through its
reorder point (20)."""
REORDER_POINT = 20
IN_FLIGHT = 20_000


def gtins(products: int, first: int = 0) -> list[str]:
    return [gtin(COMPANY, first + n) for n in range(products)]


def product_envelope(code: str) -> dict[str, Any]:
    record = Product(
        gtin=code,
        name=f"Bench alerts {code}",
        storage_class=StorageClass.COLD,
        rx=False,
        reorder_point=REORDER_POINT,
        max_stock=1000,
    )
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"bench-product:{code}")),
        "source": "/inventory/catalog",
        "type": catalog.PRODUCT_REGISTERED,
        "subject": catalog.product_key(code),
        "time": format_time(START),
        "datacontenttype": "application/json",
        "data": record.as_data(),
        "streamversion": 1,
        "actor": "bench",
    }


def lot_history(code: str, lot: str, at: datetime) -> Iterator[StockEvent]:
    yield Received(
        gtin=code,
        lot=lot,
        at=at,
        location=PLACE,
        qty=30,
        expiry=date(2030, 1, 31),
        supplier="9506000000015",
        status=BatchStatus.AVAILABLE,
    )
    for i in range(1, PER_LOT):
        yield Picked(
            gtin=code,
            lot=lot,
            at=at + timedelta(minutes=i),
            location=PLACE,
            qty=6,
            order_ref=f"SO-{lot}-{i}",
            ship_to="9506000000022",
        )


def history(codes: list[str], events: int, seed: int) -> Iterator[dict[str, Any]]:
    """`events` stock envelopes (rounded up to whole lots), products taking turns lot by lot
    and a lot's events in order."""
    chainer = Chainer(seed=seed, actor="bench")
    lots = -(-events // PER_LOT)
    for n in range(lots):
        code = codes[n % len(codes)]
        lot = f"W{n:07d}"
        at = START + timedelta(minutes=5 * (n // len(codes)))
        for event in lot_history(code, lot, at):
            yield chainer.envelope(batch_id(code, lot), event, event.at)


async def publish(settings: CommonSettings, codes: list[str], events: int, seed: int) -> int:
    """The location, the products and the stock history; returns the stock records sent."""
    producer = create_producer(settings, "lotledger-bench-alerts", linger_ms=20)
    await producer.start()
    pending: list[asyncio.Future[Any]] = []
    sent = 0
    try:
        place = location_envelope(PLACE)
        await producer.send_and_wait(
            settings.topic(CATALOG), orjson.dumps(place), key=place["subject"].encode()
        )
        for code in codes:
            env = product_envelope(code)
            pending.append(
                await producer.send(
                    settings.topic(CATALOG), orjson.dumps(env), key=env["subject"].encode()
                )
            )
        await asyncio.gather(*pending)
        pending = []
        for env in history(codes, events, seed):
            pending.append(
                await producer.send(
                    settings.topic(STOCK), orjson.dumps(env), key=env["subject"].encode()
                )
            )
            if len(pending) >= IN_FLIGHT:
                sent += len(await asyncio.gather(*pending))
                pending = []
        sent += len(await asyncio.gather(*pending))
    finally:
        await producer.stop()
    return sent
