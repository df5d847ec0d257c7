"""Driving inventory the way a warehouse does, and reading what alerts made of it."""

from __future__ import annotations

from typing import Any

from aiokafka import AIOKafkaConsumer

from lotledger.alerts.entrypoints.repartition import GROUP as REPARTITION_GROUP
from lotledger.shared.contracts.topics import ALERTS_STOCK_BY_PRODUCT, STOCK
from lotledger.shared.kafka import partitions_of
from tests.integration.alerts.world import ADMIN, AlertsWorld
from tests.support.relay import unpublished
from tests.support.stock import QA, SCANNER
from tests.support.world import PHARMACIES, SUPPLIER

COLD_A = "WH1/COLD-A/01"


async def product(
    world: AlertsWorld,
    gtin: str,
    reorder_point: int | None = None,
    max_stock: int | None = None,
    near_expiry_days: list[int] | None = None,
) -> None:
    body: dict[str, Any] = {"name": f"Test product {gtin}", "storage_class": "cold", "rx": True}
    for name, value in (
        ("reorder_point", reorder_point),
        ("max_stock", max_stock),
        ("near_expiry_days", near_expiry_days),
    ):
        if value is not None:
            body[name] = value
    response = await world.inventory.put(f"/v1/products/{gtin}", json=body, headers=ADMIN)
    assert response.status_code in (200, 201), response.text


async def post(world: AlertsWorld, path: str, body: dict[str, Any], headers: Any = SCANNER) -> Any:
    response = await world.inventory.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def receive(
    world: AlertsWorld, gtin: str, lot: str, qty: int, expiry: str, location: str = COLD_A
) -> None:
    await post(
        world,
        "/v1/receipts",
        {
            "gtin": gtin,
            "lot": lot,
            "expiry": expiry,
            "qty": qty,
            "location": location,
            "supplier": SUPPLIER,
        },
    )


async def pick(
    world: AlertsWorld,
    gtin: str,
    lot: str,
    qty: int,
    ship_to: str = PHARMACIES[0],
    location: str = COLD_A,
) -> Any:
    return await post(
        world,
        "/v1/picks",
        {
            "gtin": gtin,
            "lot": lot,
            "qty": qty,
            "location": location,
            "order_ref": "SO-ALERTS",
            "ship_to": ship_to,
        },
    )


async def dispose(
    world: AlertsWorld, gtin: str, lot: str, qty: int, location: str = COLD_A
) -> None:
    await post(
        world,
        "/v1/disposals",
        {"gtin": gtin, "lot": lot, "qty": qty, "location": location, "reason": "damaged"},
    )


async def recall(world: AlertsWorld, gtin: str, lot: str, recall_class: str = "I") -> None:
    await post(
        world,
        f"/v1/batches/{gtin}/{lot}/recall",
        {"recall_id": "RC-1", "class": recall_class, "reason": "contamination"},
        headers=QA,
    )


async def lot_version(world: AlertsWorld, gtin: str, lot: str) -> int:
    rows = await world.sql("SELECT version FROM lots WHERE gtin = $1 AND lot = $2", gtin, lot)
    return int(rows[0]["version"]) if rows else 0


async def applied(world: AlertsWorld, gtin: str, lot: str, version: int) -> None:
    """Wait until the projector has applied the batch's events up to `version`."""

    async def reached() -> bool:
        return await lot_version(world, gtin, lot) >= version

    await world.until(reached)


def history(alerts: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """(type, tier, status) of alerts, oldest raised first."""
    ordered = sorted(alerts, key=lambda a: (a["raised_at"], a["alert_id"]))
    return [(a["type"], a["tier"], a["status"]) for a in ordered]


async def end_offsets(world: AlertsWorld, topic: str) -> dict[Any, int]:
    name = world.settings.topic(topic)
    consumer = AIOKafkaConsumer(bootstrap_servers=world.settings.kafka_bootstrap)
    await consumer.start()
    try:
        return dict(
            await consumer.end_offsets(await partitions_of(world.settings.kafka_bootstrap, name))
        )
    finally:
        await consumer.stop()


async def published(world: AlertsWorld) -> None:
    """Wait until inventory's relays have published every committed event (a relay
    publishes a slot's rows only once it holds the slot, so right after the world starts
    what the test wrote may still wait)."""

    async def drained() -> bool:
        return await unpublished(world.infra) == 0

    await world.until(drained)


async def repartitioned(world: AlertsWorld, group: str = REPARTITION_GROUP) -> None:
    """Wait until the repartition stage has committed the stock topic's current end
    once every committed stock event is in it."""
    await published(world)
    ends = await end_offsets(world, STOCK)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=world.settings.kafka_bootstrap,
        group_id=world.settings.topic(group),
        enable_auto_commit=False,
    )
    await consumer.start()
    try:

        async def caught_up() -> bool:
            return all([((await consumer.committed(tp)) or 0) >= end for tp, end in ends.items()])

        await world.until(caught_up)
    finally:
        await consumer.stop()


async def consumed(world: AlertsWorld, topic: str) -> None:
    """Wait until the projector's stored positions reach the topic's current end once
    every event inventory committed is in it (stock's through the repartition stage: its
    current end re-keyed by product)."""
    await published(world)
    if topic == STOCK:
        await repartitioned(world)
        topic = ALERTS_STOCK_BY_PRODUCT
    ends = await end_offsets(world, topic)

    async def caught_up() -> bool:
        rows = await world.sql(
            "SELECT partition, next_offset FROM consumer_positions "
            "WHERE consumer = 'alerts' AND topic = $1",
            world.settings.topic(topic),
        )
        positions = {r["partition"]: r["next_offset"] for r in rows}
        return all(positions.get(tp.partition, 0) >= end for tp, end in ends.items())

    await world.until(caught_up)
