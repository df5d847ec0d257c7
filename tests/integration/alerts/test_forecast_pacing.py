"""Forecast pacing over the real alerts database: a product's expiry_risk alert follows
its first stock event in the same batch; an event within the pacing interval leaves the
alert as it was (its other rules still run); the catch-up, once the interval has passed,
settles what the live forecast says."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

from aiokafka import TopicPartition

from lotledger.alerts.entrypoints.forecast_catch_up import ForecastCatchUp
from lotledger.alerts.entrypoints.projector import AlertsProjection
from lotledger.alerts.service.forecast_pacing import ForecastPacing
from lotledger.shared.contracts.stock import BatchStatus, Picked, Received
from lotledger.shared.contracts.topics import ALERTS_STOCK_BY_PRODUCT
from lotledger.shared.envelope import CloudEvent
from lotledger.shared.projection import Projector
from tests.integration.alerts.records import FakeRecord, stock_envelope
from tests.integration.alerts.world import ADMIN, TODAY, AlertsWorld, fresh_gtin
from tests.support.world import PHARMACIES, SUPPLIER, fresh_lot

LOCATION = "WH1/COLD-A/01"


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def _risk(world: AlertsWorld, gtin: str) -> dict[str, Any] | None:
    rows = await world.sql(
        "SELECT details FROM alerts WHERE gtin = $1 AND alert_type = 'expiry_risk' "
        "AND status <> 'resolved'",
        gtin,
    )
    return None if not rows else dict(json.loads(rows[0]["details"]))


async def _live_at_risk(world: AlertsWorld, gtin: str) -> int:
    response = await world.api.get(
        "/v1/forecast/expiry-risk", params={"warehouse": "WH1", "gtin": gtin}, headers=ADMIN
    )
    assert response.status_code == 200, response.text
    (item,) = response.json()["items"]
    return int(item["qty_at_risk"])


async def test_a_forecast_within_the_interval_waits_for_the_catch_up(world: AlertsWorld) -> None:
    gtin, lot = fresh_gtin(), fresh_lot("PACE")
    ticks = Ticks()
    pacing = ForecastPacing(5, ticks)
    projection = AlertsProjection(world.settings, world.clock, pacing=pacing)
    projection.consumer = f"alerts-pacing-{uuid.uuid4().hex[:6]}"
    projector = Projector(world.settings, world.runtime.engine, projection, "unused")
    catch_up = ForecastCatchUp(world.runtime.engine, pacing, world.clock)
    tp = TopicPartition(world.settings.topic(ALERTS_STOCK_BY_PRODUCT), 0)
    received = Received(
        gtin=gtin,
        lot=lot,
        at=TODAY - timedelta(days=30),
        location=LOCATION,
        qty=100,
        expiry=(TODAY + timedelta(days=60)).date(),
        supplier=SUPPLIER,
        status=BatchStatus.AVAILABLE,
    )
    picked = Picked(
        gtin=gtin,
        lot=lot,
        at=TODAY,
        location=LOCATION,
        qty=10,
        order_ref="SO-PACE",
        ship_to=PHARMACIES[0],
    )

    async def apply(offset: int, event: CloudEvent) -> None:
        record = FakeRecord(tp.topic, tp.partition, offset, event.to_json(), 0)
        assert await projector.apply({tp: [record]}) == 1

    await apply(0, stock_envelope(received, 1))
    first = await _risk(world, gtin)
    assert first is not None, "forecast in the first batch"
    assert first["qty_at_risk"] == 100

    ticks.now += 1
    await apply(1, stock_envelope(picked, 2))
    on_hand = await world.sql("SELECT sum(qty) AS n FROM lot_stock WHERE gtin = $1", gtin)
    assert on_hand[0]["n"] == 90, "the pick's facts are applied"
    assert await _risk(world, gtin) == first, "the forecast waits for its interval"
    assert pacing.pending == {gtin}

    ticks.now += 2
    assert await catch_up.once() == 0
    assert await _risk(world, gtin) == first

    ticks.now += 3
    assert await catch_up.once() == 1
    after = await _risk(world, gtin)
    assert after is not None
    assert after["qty_at_risk"] == await _live_at_risk(world, gtin) < 90
    assert pacing.pending == frozenset()
