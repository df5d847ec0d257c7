"""Forecasts from a 30-day back-dated pick history (device scan time), through inventory's
REST API, the relay and the alerts projector: the at-risk quantities and values, the
reorder point, both forecast alerts raised and resolved as the situation changes (a
disposal, a new pick rate, a receipt), the expiry-loss report and warehouse scoping.

Expected figures are worked out here by hand from the issue's formulas, not by the
domain code."""

from __future__ import annotations

import math
import statistics
from collections.abc import AsyncIterator
from datetime import date, timedelta
from fractions import Fraction
from statistics import NormalDist
from typing import Any

import pytest

from lotledger.shared.contracts.topics import CATALOG
from tests.integration.alerts.steps import COLD_A, applied, consumed, post
from tests.integration.alerts.world import ADMIN, TODAY, AlertsWorld, alerts_world, fresh_gtin
from tests.support.tokens import bearer
from tests.support.world import PHARMACIES, SUPPLIER, fresh_lot

DAY = TODAY.date()
FIRST = TODAY - timedelta(days=30)
PER_DAY = 6
LEAD = 5
EXPIRY_A = DAY + timedelta(days=20)


@pytest.fixture(scope="module")
async def world() -> AsyncIterator[AlertsWorld]:
    async with alerts_world(inventory_overrides={"scan_horizon_days": 60}) as running:
        yield running


async def _receive(
    world: AlertsWorld, gtin: str, lot: str, qty: int, expiry: date, at: Any = None
) -> None:
    body = {
        "gtin": gtin,
        "lot": lot,
        "expiry": expiry.isoformat(),
        "qty": qty,
        "location": COLD_A,
        "supplier": SUPPLIER,
        "unit_cost": "2.00",
        "currency": "EUR",
    }
    await post(world, "/v1/receipts", body | ({"scanned_at": at.isoformat()} if at else {}))


async def _pick(world: AlertsWorld, gtin: str, lot: str, qty: int, at: Any = None) -> None:
    body = {
        "gtin": gtin,
        "lot": lot,
        "qty": qty,
        "location": COLD_A,
        "order_ref": "SO-FC",
        "ship_to": PHARMACIES[1],
    }
    await post(world, "/v1/picks", body | ({"scanned_at": at.isoformat()} if at else {}))


async def _open(world: AlertsWorld, gtin: str) -> dict[str, dict[str, Any]]:
    return {
        a["type"]: a
        for a in await world.alerts(gtin=gtin)
        if a["status"] != "resolved" and a["type"] in ("expiry_risk", "reorder_suggested")
    }


async def _until_open(world: AlertsWorld, gtin: str, types: set[str]) -> dict[str, Any]:
    async def matches() -> dict[str, Any] | None:
        found = await _open(world, gtin)
        return found if set(found) == types else None

    if not types:
        await world.until(lambda: _none_open(world, gtin))
        return {}
    return await world.until(matches)


async def _none_open(world: AlertsWorld, gtin: str) -> bool:
    return not await _open(world, gtin)


async def _report(world: AlertsWorld, path: str, **params: Any) -> Any:
    response = await world.api.get(path, params=params, headers=ADMIN)
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_months_picks_forecast_risk_and_reorder_and_the_alerts_follow(
    world: AlertsWorld,
) -> None:
    gtin, a, b, c = fresh_gtin(), fresh_lot("FA"), fresh_lot("FB"), fresh_lot("FC")
    product = {"name": f"Forecast {gtin}", "storage_class": "cold", "rx": True}
    created = await world.inventory.put(
        f"/v1/products/{gtin}", json=product | {"lead_time_days": LEAD}, headers=ADMIN
    )
    assert created.status_code == 201, created.text
    await consumed(world, CATALOG)
    await _receive(world, gtin, a, 400, EXPIRY_A, FIRST)
    await _receive(world, gtin, b, 100, date(2027, 6, 30), FIRST)
    for back in range(30, 0, -1):
        await _pick(world, gtin, a, PER_DAY, TODAY - timedelta(days=back, hours=-1))

    days = 31
    v = Fraction(30 * PER_DAY, days)
    left_a = 400 - 30 * PER_DAY
    at_risk = math.ceil(left_a - v * 21)
    await applied(world, gtin, a, 31)
    await world.forecasts_caught_up()
    opened = await _until_open(world, gtin, {"expiry_risk"})
    risk_alert = opened["expiry_risk"]
    assert risk_alert["subject"] == f"{gtin}@WH1"
    assert risk_alert["details"]["qty_at_risk"] == at_risk == 99
    assert risk_alert["details"]["value_at_risk"] == {"EUR": f"{at_risk * 2:.2f}"}
    assert [lot["lot"] for lot in risk_alert["details"]["lots"]] == [a]

    (item,) = (await _report(world, "/v1/forecast/expiry-risk", warehouse="WH1", gtin=gtin))[
        "items"
    ]
    assert item["per_day"] == pytest.approx(float(v))
    assert item["window_days"] == days
    lot_a, lot_b = item["lots"]
    assert (lot_a["lot"], lot_a["qty_at_risk"], lot_a["reached_on"]) == (a, 99, DAY.isoformat())
    assert lot_a["stops_sellable_on"] == (EXPIRY_A + timedelta(days=1)).isoformat()
    assert (lot_b["qty_at_risk"], lot_b["reached_on"]) == (0, (DAY + timedelta(21)).isoformat())
    assert item["days_of_cover"] == pytest.approx(float(21 + Fraction(100) / v))

    daily = [PER_DAY] * 30 + [0]
    rop = float(v) * LEAD + NormalDist().inv_cdf(0.95) * statistics.pstdev(daily) * LEAD**0.5
    (plan,) = (await _report(world, "/v1/forecast/replenishment", gtin=gtin))["items"]
    assert (plan["reorder_point"], plan["lead_time_days"]) == (math.ceil(rop), LEAD)
    assert (plan["position"], plan["reorder"]) == (left_a - 99 + 100, False)

    disposal = {"gtin": gtin, "lot": a, "qty": 120, "location": COLD_A, "reason": "expired"}
    await post(world, "/v1/disposals", disposal)
    await applied(world, gtin, a, 32)
    await _until_open(world, gtin, set())

    await _pick(world, gtin, a, 100)
    await _pick(world, gtin, b, 80)
    await applied(world, gtin, a, 33)
    await applied(world, gtin, b, 2)
    opened = await _until_open(world, gtin, {"reorder_suggested"})
    suggestion = opened["reorder_suggested"]["details"]
    assert suggestion["position"] == 20
    assert suggestion["suggested_qty"] > 0

    await _receive(world, gtin, c, 1000, date(2027, 9, 30))
    await applied(world, gtin, c, 1)
    await _until_open(world, gtin, set())
    closed = {a["type"] for a in await world.alerts(gtin=gtin) if a["status"] == "resolved"}
    assert {"expiry_risk", "reorder_suggested"} <= closed

    loss = await _report(
        world, "/v1/reports/expiry-loss", warehouse="WH1", **{"from": "2026-11-01"}
    )
    mine = [line for line in loss["lines"] if line["gtin"] == gtin]
    assert [(m["month"], m["lot"], m["qty"], m["value"]) for m in mine] == [
        ("2026-11", a, 120, "240.00")
    ]
    assert loss["totals"]["2026-11"]["EUR"] >= "240.00"


async def test_forecasts_are_scoped_to_the_callers_warehouses_and_refuse_bad_input(
    world: AlertsWorld,
) -> None:
    other = bearer("erp", warehouses=["WH2"])
    refused = await world.api.get("/v1/forecast/expiry-risk?warehouse=WH1", headers=other)
    assert refused.status_code == 403
    seen = await world.api.get("/v1/forecast/replenishment", headers=other)
    assert seen.status_code == 200, seen.text
    assert {i["warehouse"] for i in seen.json()["items"]} <= {"WH2"}
    for path, field in (
        ("/v1/forecast/expiry-risk?gtin=123", "query.gtin"),
        ("/v1/forecast/replenishment?limit=0", "query.limit"),
        ("/v1/reports/expiry-loss?from=2026-12-01&to=2026-11-01", "query.to"),
        ("/v1/reports/expiry-loss?from=2026-13-01", "query.from"),
        ("/v1/reports/expiry-loss?from=2016-01-01&to=2026-11-01", "query.to"),
        ("/v1/reports/expiry-loss?from=0001-01-02", "query.to"),
    ):
        response = await world.api.get(path, headers=ADMIN)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"][0]["field"] == field
    earliest = await world.api.get("/v1/reports/expiry-loss?to=0001-01-01", headers=ADMIN)
    assert earliest.status_code == 200, earliest.text


async def test_the_clock_sweep_raises_expiry_risk_once_the_history_is_long_enough(
    world: AlertsWorld,
) -> None:
    """Ten days of history are too few for an alert; four days later, with no event in
    between, the sweep judges the same picks over fifteen days and raises it."""
    gtin, lot = fresh_gtin(), fresh_lot("FS")
    product = {"name": f"Forecast {gtin}", "storage_class": "cold", "rx": True}
    created = await world.inventory.put(f"/v1/products/{gtin}", json=product, headers=ADMIN)
    assert created.status_code == 201, created.text
    await _receive(world, gtin, lot, 300, DAY + timedelta(days=30), TODAY - timedelta(days=10))
    for back in range(10, 0, -1):
        await _pick(world, gtin, lot, 3, TODAY - timedelta(days=back, hours=-1))

    await applied(world, gtin, lot, 11)
    await world.sweep(TODAY + timedelta(hours=1))
    assert await _open(world, gtin) == {}

    later = TODAY + timedelta(days=4)
    await world.sweep(later)
    (risk,) = (await _open(world, gtin)).values()
    assert risk["type"] == "expiry_risk"
    sold = Fraction(30, 15) * 27
    assert risk["details"]["qty_at_risk"] == math.ceil(270 - sold)
