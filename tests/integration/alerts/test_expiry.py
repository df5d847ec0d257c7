"""With the clock moved forward, a lot crosses 180, 90 and 30 days before expiry and then
expires: exactly one near_expiry alert per tier, then expired_on_hand; none while its
stock is zero. The sweep is called as a function at chosen instants (no sleeping)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from tests.integration.alerts.steps import applied, dispose, history, pick, product, receive
from tests.integration.alerts.world import TODAY, AlertsWorld, alerts_world, fresh_gtin
from tests.support.kafka import read_topic
from tests.support.world import fresh_lot


@pytest.fixture(scope="module")
async def timeline() -> AsyncIterator[AlertsWorld]:
    """A world of its own: these sweeps judge every fact at instants months ahead."""
    async with alerts_world() as world:
        yield world


def day(n: int) -> datetime:
    return TODAY + timedelta(days=n)


def expiry_in(days: int) -> str:
    return (TODAY.date() + timedelta(days=days)).isoformat()


async def _of_lot(world: AlertsWorld, gtin: str, lot: str) -> list[dict[str, Any]]:
    return [a for a in await world.alerts(gtin=gtin) if a["subject"] == f"{gtin}/{lot}@WH1"]


async def test_one_near_expiry_alert_per_tier_as_the_lot_crosses_it_then_expired_on_hand(
    timeline: AlertsWorld,
) -> None:
    gtin, lot, empty = fresh_gtin(), fresh_lot("EX"), fresh_lot("EX")
    await product(timeline, gtin)
    await receive(timeline, gtin, lot, 10, expiry_in(200))
    await receive(timeline, gtin, empty, 4, expiry_in(195))
    await dispose(timeline, gtin, empty, 4)
    await applied(timeline, gtin, empty, 2)
    await applied(timeline, gtin, lot, 1)

    raised_on: dict[str, date] = {}
    for n in range(203):
        report = await timeline.sweep(day(n))
        for tier in [a for a in await _of_lot(timeline, gtin, lot) if a["status"] == "raised"]:
            raised_on.setdefault(tier["tier"] or tier["type"], day(n).date())
        assert report.changes.get("raised:near_expiry", 0) <= 1

    assert history(await _of_lot(timeline, gtin, lot)) == [
        ("near_expiry", "180d", "resolved"),
        ("near_expiry", "90d", "resolved"),
        ("near_expiry", "30d", "resolved"),
        ("expired_on_hand", "", "raised"),
    ]
    assert raised_on == {
        "180d": day(20).date(),
        "90d": day(110).date(),
        "30d": day(170).date(),
        "expired_on_hand": day(201).date(),
    }
    assert await _of_lot(timeline, gtin, empty) == []

    again = await timeline.sweep(day(202))
    assert again.changes == {}

    published = await read_topic(
        timeline.settings.kafka_bootstrap,
        timeline.settings.topic("lotledger.alerts.v1"),
        until=lambda ms: len([m for m in ms if m["data"]["subject"] == f"{gtin}/{lot}@WH1"]) >= 7,
    )
    ours = [m for m in published if m["data"]["subject"] == f"{gtin}/{lot}@WH1"]
    assert sorted(m["type"].split(".")[2] for m in ours) == ["raised"] * 4 + ["resolved"] * 3
    assert all(m["_key"] == m["data"]["alert_id"] == m["subject"] for m in ours)


async def test_a_lot_whose_stock_goes_to_zero_loses_its_alert(timeline: AlertsWorld) -> None:
    gtin, lot = fresh_gtin(), fresh_lot("EZ")
    await product(timeline, gtin)
    await receive(timeline, gtin, lot, 6, expiry_in(60))
    await applied(timeline, gtin, lot, 1)
    await timeline.sweep(day(0))
    assert history(await _of_lot(timeline, gtin, lot)) == [("near_expiry", "90d", "raised")]

    await pick(timeline, gtin, lot, 6)
    await applied(timeline, gtin, lot, 2)
    assert history(await _of_lot(timeline, gtin, lot)) == [("near_expiry", "90d", "resolved")]
    for n in (31, 61, 90):
        await timeline.sweep(day(n))
    assert history(await _of_lot(timeline, gtin, lot)) == [("near_expiry", "90d", "resolved")]


async def test_product_tiers_override_the_defaults(timeline: AlertsWorld) -> None:
    gtin, lot = fresh_gtin(), fresh_lot("ET")
    await product(timeline, gtin, near_expiry_days=[45, 10])
    await receive(timeline, gtin, lot, 3, expiry_in(100))
    await applied(timeline, gtin, lot, 1)
    for n in (0, 54, 55, 89, 90):
        await timeline.sweep(day(n))
    assert history(await _of_lot(timeline, gtin, lot)) == [
        ("near_expiry", "45d", "resolved"),
        ("near_expiry", "10d", "raised"),
    ]


async def test_expiry_takes_stock_out_of_the_available_level(timeline: AlertsWorld) -> None:
    gtin, lot = fresh_gtin(), fresh_lot("EL")
    await product(timeline, gtin, reorder_point=5)
    await receive(timeline, gtin, lot, 10, expiry_in(20))
    await applied(timeline, gtin, lot, 1)
    await timeline.sweep(day(20))
    opened = {a["type"] for a in await timeline.alerts(gtin=gtin, status="open")}
    assert opened == {"near_expiry", "expiry_risk"}, "never picked in 21 days: all at risk"
    await timeline.sweep(day(21))
    assert {a["type"] for a in await timeline.alerts(gtin=gtin, status="open")} == {
        "expired_on_hand",
        "stock_out",
        "expiry_risk",
    }
