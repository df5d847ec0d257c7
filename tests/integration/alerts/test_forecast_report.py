"""The warehouse-wide expiry-risk report reads the forecasts the evaluations keep
(migration 0011): equal to the live computation at the same instant, ordered and limited
like it, and refreshed by each relevant event without waiting for the sweep."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from lotledger_bench.forecast_fixture import WAREHOUSE, load

from lotledger.alerts.entrypoints.api.forecast_views import expiry_risk_view
from lotledger.alerts.service import forecasting
from tests.integration.alerts.steps import COLD_A, applied, post
from tests.integration.alerts.world import ADMIN, TODAY, AlertsWorld, alerts_world, fresh_gtin
from tests.support.world import PHARMACIES, SUPPLIER, fresh_lot

FIRST = TODAY - timedelta(days=30)


@pytest.fixture(scope="module")
async def world() -> AsyncIterator[AlertsWorld]:
    async with alerts_world(inventory_overrides={"scan_horizon_days": 60}) as running:
        yield running


async def _stocked(world: AlertsWorld, qty: int, per_day: int, expires_in: int) -> tuple[str, str]:
    """A product received 30 days ago in WH1, picked `per_day` on each day since."""
    gtin, lot = fresh_gtin(), fresh_lot("KR")
    product = {"name": f"Kept {gtin}", "storage_class": "cold", "rx": True}
    created = await world.inventory.put(f"/v1/products/{gtin}", json=product, headers=ADMIN)
    assert created.status_code == 201, created.text
    expiry = (TODAY.date() + timedelta(days=expires_in)).isoformat()
    receipt = {"gtin": gtin, "lot": lot, "expiry": expiry, "qty": qty, "location": COLD_A}
    receipt |= {"supplier": SUPPLIER, "unit_cost": "1.25", "currency": "EUR"}
    await post(world, "/v1/receipts", receipt | {"scanned_at": FIRST.isoformat()})
    for back in range(30, 0, -1):
        at = TODAY - timedelta(days=back, hours=-1)
        pick = {"gtin": gtin, "lot": lot, "qty": per_day, "location": COLD_A}
        pick |= {"order_ref": "SO-KEPT", "ship_to": PHARMACIES[1], "scanned_at": at.isoformat()}
        await post(world, "/v1/picks", pick)
    await applied(world, gtin, lot, 31)
    return gtin, lot


async def _report(world: AlertsWorld, **params: Any) -> Any:
    response = await world.api.get("/v1/forecast/expiry-risk", params=params, headers=ADMIN)
    assert response.status_code == 200, response.text
    return response.json()


async def _live(
    world: AlertsWorld, gtin: str | None = None, warehouse: str = "WH1", at: datetime = TODAY
) -> list[dict[str, Any]]:
    async with world.runtime.uow() as uow:
        found = await forecasting.forecasts_in(
            uow.stores, [warehouse], gtin, at, world.settings.forecast_settings()
        )
    found.sort(key=lambda f: (-f.risk.qty_at_risk, f.gtin, f.warehouse))
    return [expiry_risk_view(f).model_dump(mode="json") for f in found]


async def test_the_warehouse_report_is_the_live_forecast_kept_by_each_evaluation(
    world: AlertsWorld,
) -> None:
    slow, slow_lot = await _stocked(world, 400, 2, 20)
    fast, _ = await _stocked(world, 400, 5, 20)
    safe, _ = await _stocked(world, 100, 1, 400)
    await world.sweep(TODAY)

    kept = await _report(world, warehouse="WH1", limit=10000)
    live = await _live(world)
    assert kept["items"] == live
    assert kept["as_of"] == TODAY.isoformat().replace("+00:00", "Z")
    at_risk = {i["gtin"]: i["qty_at_risk"] for i in kept["items"]}
    assert at_risk[slow] > at_risk[fast] > 0 == at_risk[safe]
    assert (await _report(world, warehouse="WH1", limit=2))["items"] == live[:2]

    rows = await world.sql(
        "SELECT warehouse, qty_at_risk FROM forecast_latest WHERE gtin = $1", slow
    )
    assert [(r["warehouse"], r["qty_at_risk"]) for r in rows] == [("WH1", at_risk[slow])]

    disposal = {"gtin": slow, "lot": slow_lot, "qty": 150, "location": COLD_A, "reason": "damaged"}
    await post(world, "/v1/disposals", disposal)
    await applied(world, slow, slow_lot, 32)

    async def refreshed() -> dict[str, Any] | None:
        items = (await _report(world, warehouse="WH1", limit=10000))["items"]
        mine = next(i for i in items if i["gtin"] == slow)
        return mine if mine["qty_at_risk"] < at_risk[slow] else None

    item = await world.until(refreshed)
    assert [item] == await _live(world, slow)
    assert item["lots"][0]["qty"] == 400 - 60 - 150


async def test_one_sweep_keeps_the_bench_warehouse_and_the_report_matches_live(
    world: AlertsWorld,
) -> None:
    """The `forecast` bench's COPYed facts, at a small size: what the projector would
    have kept, so one sweep forecasts every product and the report is the live one."""
    fixture = await load(world.infra.owner_url("alerts"), "alerts", 40, 10, 90, TODAY.date(), 7)
    assert fixture.shipment_rows > 0
    await world.sweep(TODAY)

    kept = (await _report(world, warehouse=WAREHOUSE, limit=10000))["items"]
    assert len(kept) == 40
    assert kept == await _live(world, warehouse=WAREHOUSE)
    assert any(item["qty_at_risk"] for item in kept)
    assert any(not item["qty_at_risk"] for item in kept)

    later = TODAY + timedelta(days=3)
    await world.sweep(later)
    report = await _report(world, warehouse=WAREHOUSE, limit=10000)
    assert report["as_of"] == later.isoformat().replace("+00:00", "Z")
    assert report["items"] == await _live(world, warehouse=WAREHOUSE, at=later)
    assert report["items"] != kept
