"""The projection's writes (facts, alerts, outbox rows) belong to the transaction that
stores the consumer positions: a batch that fails leaves nothing behind, and the same
batch applied again through the shared `Projector` counts once."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from aiokafka import TopicPartition

from lotledger.alerts.entrypoints.projector import AlertsProjection
from lotledger.shared.contracts.stock import BatchStatus, Received
from lotledger.shared.contracts.topics import ALERTS_STOCK_BY_PRODUCT
from lotledger.shared.envelope import CloudEvent
from lotledger.shared.projection import Projector
from tests.integration.alerts.records import FakeRecord, stock_envelope
from tests.integration.alerts.world import TODAY, AlertsWorld, fresh_gtin
from tests.support.world import SUPPLIER, fresh_lot


def _receipt(gtin: str, lot: str) -> CloudEvent:
    received = Received(
        gtin=gtin,
        lot=lot,
        at=TODAY,
        location="WH1/COLD-A/01",
        qty=5,
        expiry=(TODAY + timedelta(days=10)).date(),
        supplier=SUPPLIER,
        status=BatchStatus.AVAILABLE,
    )
    return stock_envelope(received, 1)


async def _written(world: AlertsWorld, gtin: str) -> tuple[int, int, int]:
    lots = await world.sql("SELECT count(*) AS n FROM lots WHERE gtin = $1", gtin)
    alerts = await world.sql("SELECT count(*) AS n FROM alerts WHERE gtin = $1", gtin)
    outbox = await world.sql(
        "SELECT count(*) AS n FROM outbox WHERE convert_from(payload, 'UTF8') LIKE $1",
        f"%{gtin}%",
    )
    return lots[0]["n"], alerts[0]["n"], outbox[0]["n"]


async def test_a_failed_batch_leaves_nothing_and_a_repeated_batch_counts_once(
    world: AlertsWorld,
) -> None:
    gtin, lot = fresh_gtin(), fresh_lot("PA")
    topic = world.settings.topic(ALERTS_STOCK_BY_PRODUCT)
    record = FakeRecord(topic, 0, 0, _receipt(gtin, lot).to_json(), 0)
    projection = AlertsProjection(world.settings, world.clock)
    projection.consumer = f"alerts-atomicity-{uuid.uuid4().hex[:6]}"

    async def crash() -> None:
        async with world.runtime.engine.begin() as conn:
            await projection.apply(conn, [record])
            raise RuntimeError("crash before the positions are stored")

    with pytest.raises(RuntimeError, match="crash"):
        await crash()
    assert await _written(world, gtin) == (0, 0, 0)

    projector = Projector(world.settings, world.runtime.engine, projection, "unused")
    batch = {TopicPartition(topic, 0): [record]}
    assert await projector.apply(batch) == 1
    assert await projector.apply(batch) == 0
    lots, alerts, _ = await _written(world, gtin)
    assert (lots, alerts) == (1, 1)
    positions = await world.sql(
        "SELECT next_offset FROM consumer_positions WHERE consumer = $1", projection.consumer
    )
    assert [p["next_offset"] for p in positions] == [1]
