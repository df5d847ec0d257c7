"""The repartition stage re-keys stock by product (docs/adr/0017). A stage that crashes
after producing and before committing its input offsets produces the same records again
when it restarts; the projector recognises them by stream version and nothing changes."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from lotledger.alerts.entrypoints.repartition import Repartitioner
from lotledger.shared.contracts.topics import ALERTS_STOCK_BY_PRODUCT, STOCK
from tests.integration.alerts.steps import consumed, pick, product, receive, repartitioned
from tests.integration.alerts.world import AlertsWorld, fresh_gtin
from tests.support.kafka import read_topic
from tests.support.world import fresh_lot


class CrashBeforeCommit(Repartitioner):
    """Produces a fetch and waits for its acknowledgements, then dies before the commit."""

    async def commit(
        self, consumer: AIOKafkaConsumer, batches: dict[TopicPartition, list[Any]]
    ) -> None:
        raise RuntimeError("crash between the produce and the commit")


async def _state(world: AlertsWorld, gtin: str) -> tuple[list[Any], ...]:
    return (
        await world.sql("SELECT lot, version, status FROM lots WHERE gtin = $1 ORDER BY 1", gtin),
        await world.sql(
            "SELECT location, lot, qty FROM lot_stock WHERE gtin = $1 ORDER BY 1, 2", gtin
        ),
        await world.sql(
            "SELECT alert_id, status, changed_at FROM alerts WHERE gtin = $1 ORDER BY 1", gtin
        ),
        await world.sql("SELECT count(*) AS n FROM deliveries"),
    )


async def test_records_keep_their_bytes_and_are_keyed_by_gtin(world: AlertsWorld) -> None:
    gtin, lot = fresh_gtin(), fresh_lot("RK")
    await product(world, gtin)
    await receive(world, gtin, lot, 20, "2027-09-30")
    await pick(world, gtin, lot, 5)
    await consumed(world, STOCK)
    source = await read_topic(
        world.settings.kafka_bootstrap,
        world.settings.topic(STOCK),
        until=lambda ms: len([m for m in ms if m.get("subject") == f"{gtin}/{lot}"]) >= 2,
    )
    copied = await read_topic(
        world.settings.kafka_bootstrap,
        world.settings.topic(ALERTS_STOCK_BY_PRODUCT),
        until=lambda ms: len([m for m in ms if m.get("subject") == f"{gtin}/{lot}"]) >= 2,
    )

    def ours(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {k: v for k, v in m.items() if not k.startswith("_")}
            for m in messages
            if m.get("subject") == f"{gtin}/{lot}"
        ]

    assert ours(copied) == ours(source)
    keys = {m.get("_key") for m in copied if m.get("subject") == f"{gtin}/{lot}"}
    assert keys == {gtin}


async def test_a_crash_between_produce_and_commit_duplicates_records_that_change_nothing(
    world: AlertsWorld,
) -> None:
    gtin, first, second = fresh_gtin(), fresh_lot("RC"), fresh_lot("RC")
    await product(world, gtin, reorder_point=10, max_stock=100)
    await receive(world, gtin, first, 20, "2027-09-30")
    await receive(world, gtin, second, 5, "2027-10-31")
    await pick(world, gtin, first, 18)
    await consumed(world, STOCK)
    before = await _state(world, gtin)
    assert before[2], "the pick left the product low on stock: an alert is open"

    group = f"crash-{gtin}"
    crashed = CrashBeforeCommit(world.settings, group=group)
    with pytest.raises(RuntimeError, match="crash between"):
        await asyncio.wait_for(crashed.run(asyncio.Event()), 60)
    stop = asyncio.Event()
    restarted = asyncio.create_task(Repartitioner(world.settings, group=group).run(stop))
    try:
        await repartitioned(world, group)
    finally:
        stop.set()
        await asyncio.wait_for(restarted, 30)
    await consumed(world, ALERTS_STOCK_BY_PRODUCT)

    copies = await read_topic(
        world.settings.kafka_bootstrap,
        world.settings.topic(ALERTS_STOCK_BY_PRODUCT),
        until=lambda ms: len([m for m in ms if m.get("subject") == f"{gtin}/{first}"]) >= 4,
    )
    per_event = Counter(m["id"] for m in copies if m.get("subject", "").startswith(f"{gtin}/"))
    assert len(per_event) == 3
    assert min(per_event.values()) >= 2
    assert await _state(world, gtin) == before
