"""low_stock, stock_out and overstock follow the available stock per product and
warehouse, driven through inventory's REST API and relay; replays raise nothing new."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from lotledger.alerts.entrypoints.projector import AlertsProjection
from lotledger.shared.contracts.topics import STOCK
from lotledger.shared.envelope import CloudEvent
from lotledger.shared.replay import replay_all
from tests.integration.alerts.steps import applied, consumed, history, pick, product, receive
from tests.integration.alerts.world import AlertsWorld, fresh_gtin
from tests.support.kafka import read_topic
from tests.support.world import fresh_lot


async def _levels(world: AlertsWorld, gtin: str) -> list[dict[str, Any]]:
    return [a for a in await world.alerts(gtin=gtin) if a["subject"] == f"{gtin}@WH1"]


async def _open(world: AlertsWorld, gtin: str) -> set[str]:
    return {a["type"] for a in await _levels(world, gtin) if a["status"] != "resolved"}


async def _until_open(world: AlertsWorld, gtin: str, expected: set[str]) -> None:
    """Wait for exactly `expected` to be open; then move the clock on a minute so the
    next step's changes are later in time."""

    async def matches() -> bool:
        return await _open(world, gtin) == expected

    await world.until(matches)
    world.clock.advance(timedelta(minutes=1))


async def test_levels_raise_as_thresholds_are_crossed_and_resolve_on_replenishment_or_picking(
    world: AlertsWorld,
) -> None:
    gtin, first, second = fresh_gtin(), fresh_lot("LV"), fresh_lot("LV")
    await product(world, gtin, reorder_point=10, max_stock=100)
    await receive(world, gtin, first, 50, "2027-09-30")
    await applied(world, gtin, first, 1)
    assert await _levels(world, gtin) == []

    await pick(world, gtin, first, 45)
    await _until_open(world, gtin, {"low_stock"})
    (low,) = [a for a in await _levels(world, gtin) if a["type"] == "low_stock"]
    assert (low["severity"], low["details"]["available"], low["warehouse"]) == ("warning", 5, "WH1")

    await pick(world, gtin, first, 5)
    await _until_open(world, gtin, {"stock_out"})

    await receive(world, gtin, second, 120, "2027-10-31")
    await _until_open(world, gtin, {"overstock"})

    await pick(world, gtin, second, 30)
    await _until_open(world, gtin, set())
    assert history(await _levels(world, gtin)) == [
        ("low_stock", "", "resolved"),
        ("stock_out", "", "resolved"),
        ("overstock", "", "resolved"),
    ]


async def test_replays_and_redelivered_events_raise_nothing_new(world: AlertsWorld) -> None:
    gtin, lot = fresh_gtin(), fresh_lot("RP")
    await product(world, gtin, reorder_point=10, max_stock=100)
    await receive(world, gtin, lot, 20, "2027-09-30")
    await pick(world, gtin, lot, 15)
    await _until_open(world, gtin, {"low_stock"})
    await consumed(world, STOCK)
    before = await world.sql("SELECT alert_id, status, changed_at FROM alerts ORDER BY alert_id")
    deliveries = await world.sql("SELECT count(*) AS n FROM deliveries")

    ours = await read_topic(
        world.settings.kafka_bootstrap,
        world.settings.topic(STOCK),
        until=lambda ms: len([m for m in ms if m.get("subject") == f"{gtin}/{lot}"]) >= 2,
    )
    copies = [
        CloudEvent.model_validate({k: v for k, v in m.items() if not k.startswith("_")})
        for m in ours
        if m.get("subject") == f"{gtin}/{lot}"
    ]
    await world.produce(STOCK, f"{gtin}/{lot}", *copies)
    await consumed(world, STOCK)

    projection = AlertsProjection(world.settings, world.clock)
    projection.consumer = "alerts-replay"
    applied_count, _ = await replay_all(world.settings, world.runtime.engine, projection)
    assert applied_count > len(copies)

    after = await world.sql("SELECT alert_id, status, changed_at FROM alerts ORDER BY alert_id")
    assert after == before
    assert await world.sql("SELECT count(*) AS n FROM deliveries") == deliveries
