"""A stocktake with matches, a shortage, an overage and an unknown lot."""

import httpx

from lotledger.shared.urls import lot_segment
from tests.support.stock import receive, snapshot
from tests.support.tokens import bearer
from tests.support.world import COLD, fresh_lot

ERP = bearer("erp", warehouses=["WH1"], sub="erp-sap")
LOC = "WH1/COLD-A/02"


async def test_stocktake_records_counts_and_reconciles(inventory: httpx.AsyncClient) -> None:
    match, short, over, missing = (fresh_lot("ST") for _ in range(4))
    unknown = fresh_lot("STX")
    for lot, qty in ((match, 10), (short, 10), (over, 10), (missing, 4)):
        await receive(inventory, COLD, lot, qty, location=LOC)
    lines = [
        {"gtin": COLD, "lot": match, "location": LOC, "counted_qty": 10},
        {"gtin": COLD, "lot": short, "location": LOC, "counted_qty": 7},
        {"gtin": COLD, "lot": over, "location": LOC, "counted_qty": 12},
        {"gtin": COLD, "lot": unknown, "location": LOC, "counted_qty": 3},
    ]
    response = await inventory.post(
        "/v1/stocktakes",
        headers=ERP,
        json={"stocktake_id": f"ST-{match}", "location": LOC, "lines": lines},
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert [(v["lot"], v["variance"]) for v in report["matches"]] == [(match, 0)]
    assert sorted(
        (v["lot"], v["expected_qty"], v["counted_qty"], v["variance"]) for v in report["variances"]
    ) == sorted([(short, 10, 7, -3), (over, 10, 12, 2)])
    assert [u["lot"] for u in report["unknown"]] == [unknown]
    assert (missing, 4) in [(h["lot"], h["qty"]) for h in report["not_counted"]]
    assert report["events"] == 3
    assert report["refused"] == []

    for lot, expected in ((match, 10), (short, 7), (over, 12), (missing, 4)):
        state = await snapshot(inventory, COLD, lot)
        assert state is not None
        assert state.on_hand == {LOC: expected}
    events = (
        await inventory.get(f"/v1/batches/{COLD}/{lot_segment(short)}/events", headers=ERP)
    ).json()
    counted = events["events"][-1]
    assert counted["type"] == "lotledger.stock.counted.v1"
    assert counted["data"]["stocktake_id"] == f"ST-{match}"
    assert counted["data"]["variance"] == -3
    assert counted["actor"] == "erp-sap"
    assert await snapshot(inventory, COLD, unknown) is None


async def test_stocktake_lines_must_stay_in_scope(inventory: httpx.AsyncClient) -> None:
    response = await inventory.post(
        "/v1/stocktakes",
        headers=ERP,
        json={
            "stocktake_id": "ST-SCOPE",
            "location": LOC,
            "lines": [{"gtin": COLD, "lot": "X1", "location": "WH1/COLD-A/01", "counted_qty": 1}],
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "lines.0.location"
    other = await inventory.post(
        "/v1/stocktakes",
        headers=ERP,
        json={"stocktake_id": "ST-WH2", "warehouse": "WH2", "lines": []},
    )
    assert other.status_code == 403


async def test_zero_uncounted_counts_absent_lots_as_zero(inventory: httpx.AsyncClient) -> None:
    location = "WH1/COOL-A/01"
    from tests.support.world import COOL

    present, absent = fresh_lot("STZ"), fresh_lot("STZ")
    await receive(inventory, COOL, present, 5, location=location)
    await receive(inventory, COOL, absent, 6, location=location)
    response = await inventory.post(
        "/v1/stocktakes",
        headers=ERP,
        json={
            "stocktake_id": f"ST-{present}",
            "location": location,
            "zero_uncounted": True,
            "lines": [{"gtin": COOL, "lot": present, "location": location, "counted_qty": 5}],
        },
    )
    report = response.json()
    assert (absent, 6) in [(z["lot"], z["qty"]) for z in report["zeroed"]]
    assert report["not_counted"] == []
    state = await snapshot(inventory, COOL, absent)
    assert state is not None
    assert state.on_hand == {}
