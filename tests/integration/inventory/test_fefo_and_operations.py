from typing import Any

import httpx
import pytest

from lotledger.shared.urls import lot_segment
from tests.support.stock import QA, SCANNER, receive, snapshot
from tests.support.tokens import bearer
from tests.support.world import COLD, PHARMACIES, SUPPLIER, fresh_lot, fresh_product

WH2_SCANNER = {"authorization": SCANNER["authorization"]}


async def _fresh_product_world(inventory: httpx.AsyncClient) -> str:
    return await fresh_product(inventory, bearer("admin"))


async def test_fefo_takes_earliest_available_and_splits(inventory: httpx.AsyncClient) -> None:
    gtin = await _fresh_product_world(inventory)
    await receive(inventory, gtin, "LATE", 10, expiry="2027-12-31")
    await receive(inventory, gtin, "EARLY", 4, expiry="2027-03-31", location="WH1/COLD-A/02")
    await receive(inventory, gtin, "MID", 6, expiry="2027-06-30")
    await receive(inventory, gtin, "QUAR", 9, expiry="2027-01-31")
    await receive(inventory, gtin, "SHORT", 9, expiry="2026-12-10")
    await receive(inventory, gtin, "RECALLED", 9, expiry="2027-02-28")
    assert (
        await inventory.post(f"/v1/batches/{gtin}/QUAR/quarantine", json={}, headers=QA)
    ).status_code == 201
    assert (
        await inventory.post(
            f"/v1/batches/{gtin}/RECALLED/recall",
            headers=QA,
            json={"recall_id": "RC-9", "class": "I", "reason": "sterility"},
        )
    ).status_code == 201

    suggestion_response = await inventory.get(
        "/v1/fefo",
        headers=SCANNER,
        params={"gtin": gtin, "qty": 7, "warehouse": "WH1", "min_remaining_days": 30},
    )
    suggestion = suggestion_response.json()
    assert suggestion_response.status_code == 200, suggestion
    assert suggestion["sufficient"]
    assert [(a["lot"], a["qty"]) for a in suggestion["allocations"]] == [("EARLY", 4), ("MID", 3)]

    picked = await inventory.post(
        "/v1/picks",
        headers=SCANNER,
        json={
            "gtin": gtin,
            "qty": 7,
            "warehouse": "WH1",
            "order_ref": "SO-FEFO",
            "ship_to": PHARMACIES[2],
            "min_remaining_days": 30,
        },
    )
    assert picked.status_code == 201, picked.text
    assert [(a["lot"], a["location"], a["qty"]) for a in picked.json()["allocations"]] == [
        ("EARLY", "WH1/COLD-A/02", 4),
        ("MID", "WH1/COLD-A/01", 3),
    ]
    for skipped in ("QUAR", "SHORT", "RECALLED", "LATE"):
        state = await snapshot(inventory, gtin, skipped)
        assert state is not None
        assert sum(state.on_hand.values()) in (9, 10)

    short = await inventory.post(
        "/v1/picks",
        headers=SCANNER,
        json={
            "gtin": gtin,
            "qty": 14,
            "warehouse": "WH1",
            "order_ref": "SO-BIG",
            "ship_to": PHARMACIES[2],
            "min_remaining_days": 30,
        },
    )
    assert short.status_code == 409
    assert short.json()["available"] == 13


async def test_explicit_later_lot_is_marked_fefo_deviation(inventory: httpx.AsyncClient) -> None:
    gtin = await _fresh_product_world(inventory)
    await receive(inventory, gtin, "A", 5, expiry="2027-03-31")
    await receive(inventory, gtin, "B", 5, expiry="2027-09-30")
    picked = await inventory.post(
        "/v1/picks",
        headers=SCANNER,
        json={
            "gtin": gtin,
            "lot": "B",
            "qty": 1,
            "location": "WH1/COLD-A/01",
            "order_ref": "SO-D",
            "ship_to": PHARMACIES[0],
        },
    )
    assert picked.status_code == 201
    assert picked.json()["allocations"][0]["fefo_deviation"] is True
    events = (await inventory.get(f"/v1/batches/{gtin}/B/events", headers=SCANNER)).json()
    assert events["events"][-1]["data"]["fefo_deviation"] is True


@pytest.mark.parametrize(
    ("earlier_at", "deviation"), [("WH1/COLD-A/02", True), ("WH2/COLD-A/01", False)]
)
async def test_fefo_deviation_is_judged_across_the_pickers_warehouse(
    inventory: httpx.AsyncClient, earlier_at: str, deviation: bool
) -> None:
    gtin = await _fresh_product_world(inventory)
    await receive(
        inventory, gtin, "A", 5, earlier_at, expiry="2027-03-31", headers=bearer("scanner")
    )
    await receive(inventory, gtin, "B", 5, expiry="2027-09-30")
    picked = await inventory.post(
        "/v1/picks",
        headers=SCANNER,
        json={
            "gtin": gtin,
            "lot": "B",
            "qty": 1,
            "location": "WH1/COLD-A/01",
            "order_ref": "SO-D2",
            "ship_to": PHARMACIES[0],
        },
    )
    assert picked.status_code == 201, picked.text
    assert picked.json()["allocations"][0]["fefo_deviation"] is deviation


async def test_operations_batch_runs_in_order_with_per_operation_results(
    inventory: httpx.AsyncClient,
) -> None:
    lot = fresh_lot("OPS")
    ops: list[dict[str, Any]] = [
        {
            "op": "receipt",
            "client_op_id": f"{lot}-1",
            "gtin": COLD,
            "lot": lot,
            "expiry": "2027-05-31",
            "qty": 5,
            "location": "WH1/COLD-A/01",
            "supplier": SUPPLIER,
        },
        {
            "op": "pick",
            "client_op_id": f"{lot}-2",
            "gtin": COLD,
            "lot": lot,
            "qty": 2,
            "location": "WH1/COLD-A/01",
            "order_ref": "SO-1",
            "ship_to": PHARMACIES[0],
        },
        {
            "op": "pick",
            "client_op_id": f"{lot}-3",
            "gtin": COLD,
            "lot": lot,
            "qty": 9,
            "location": "WH1/COLD-A/01",
            "order_ref": "SO-2",
            "ship_to": PHARMACIES[0],
        },
        {
            "op": "move",
            "client_op_id": f"{lot}-4",
            "gtin": COLD,
            "lot": lot,
            "qty": 0,
            "from_location": "WH1/COLD-A/01",
            "to_location": "WH1/COLD-A/02",
        },
        {"op": "teleport", "client_op_id": f"{lot}-5"},
        {
            "op": "count",
            "client_op_id": f"{lot}-6",
            "gtin": COLD,
            "lot": lot,
            "location": "WH1/COLD-A/01",
            "counted_qty": 2,
        },
        {
            "op": "recall",
            "client_op_id": f"{lot}-7",
            "gtin": COLD,
            "lot": lot,
            "recall_id": "R-1",
            "class": "III",
            "reason": "labeling",
        },
    ]
    response = await inventory.post("/v1/operations", headers=SCANNER, json={"operations": ops})
    assert response.status_code == 200, response.text
    body = response.json()
    assert [r["client_op_id"] for r in body["results"]] == [o["client_op_id"] for o in ops]
    assert [r["status"] for r in body["results"]] == [201, 201, 409, 422, 422, 201, 403]
    assert body["results"][2]["problem"]["type"].endswith("insufficient-stock")
    assert body["results"][3]["problem"]["errors"][0]["field"] == "qty"
    assert (body["accepted"], body["refused"]) == (3, 4)
    state = await snapshot(inventory, COLD, lot)
    assert state is not None
    assert state.on_hand == {"WH1/COLD-A/01": 2}
    assert state.version == 3
    events = (
        await inventory.get(f"/v1/batches/{COLD}/{lot_segment(lot)}/events", headers=SCANNER)
    ).json()
    assert [e["causationid"] for e in events["events"]] == [f"{lot}-1", f"{lot}-2", f"{lot}-6"]

    again = await inventory.post("/v1/operations", headers=SCANNER, json={"operations": ops[:2]})
    assert [r["status"] for r in again.json()["results"]] == [201, 201]
    assert (await snapshot(inventory, COLD, lot)) == state


async def test_operations_limit(inventory: httpx.AsyncClient) -> None:
    ops = [{"op": "count", "client_op_id": f"x{i}"} for i in range(1001)]
    response = await inventory.post("/v1/operations", headers=SCANNER, json={"operations": ops})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "operations"


async def test_a_pick_of_a_lot_received_in_the_same_request_is_checked_for_deviation(
    inventory: httpx.AsyncClient,
) -> None:
    gtin = await _fresh_product_world(inventory)
    await receive(inventory, gtin, "EARLY", 5, "WH1/COLD-A/02", expiry="2027-03-31")
    ops: list[dict[str, Any]] = [
        {
            "op": "receipt",
            "client_op_id": f"{gtin}-r",
            "gtin": gtin,
            "lot": "LATE",
            "expiry": "2027-09-30",
            "qty": 5,
            "location": "WH1/COLD-A/01",
            "supplier": SUPPLIER,
        },
        {
            "op": "pick",
            "client_op_id": f"{gtin}-p",
            "gtin": gtin,
            "lot": "LATE",
            "qty": 1,
            "location": "WH1/COLD-A/01",
            "order_ref": "SO-XDOCK",
            "ship_to": PHARMACIES[0],
        },
    ]
    response = await inventory.post("/v1/operations", headers=SCANNER, json={"operations": ops})
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["status"] for r in results] == [201, 201]
    assert results[1]["result"]["allocations"][0]["fefo_deviation"] is True
