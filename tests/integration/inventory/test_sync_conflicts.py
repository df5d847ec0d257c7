"""Sync conflicts are never lost (docs/adr/0011-holdings.md): an operation of an offline
batch that the stock refuses is kept with the operation as sent; a retry of its
client_op_id answers the stored refusal without deciding it again; a supervisor applies it
as an adjustment or discards it, each once, with a reason."""

from datetime import timedelta
from typing import Any

import httpx

from lotledger.shared.urls import lot_segment
from tests.integration.conftest import TODAY
from tests.support.stock import QA, READER, SCANNER, problem_type, receive
from tests.support.tokens import bearer
from tests.support.world import COLD, PHARMACIES, SUPPLIER, fresh_lot

A = "WH1/COLD-A/01"
OTHER_WAREHOUSE_QA = bearer("qa", warehouses=["WH2"])


def _pick(cid: str, lot: str, qty: int) -> dict[str, Any]:
    return {
        "op": "pick",
        "client_op_id": cid,
        "gtin": COLD,
        "lot": lot,
        "qty": qty,
        "location": A,
        "order_ref": "SO-OFF",
        "ship_to": PHARMACIES[2],
        "scanned_at": (TODAY - timedelta(minutes=30)).isoformat(),
    }


def _receipt(cid: str, lot: str, qty: int) -> dict[str, Any]:
    return {
        "op": "receipt",
        "client_op_id": cid,
        "gtin": COLD,
        "lot": lot,
        "expiry": "2027-06-30",
        "qty": qty,
        "location": A,
        "supplier": SUPPLIER,
        "scanned_at": (TODAY - timedelta(minutes=20)).isoformat(),
    }


async def _sync(client: httpx.AsyncClient, ops: list[dict[str, Any]]) -> list[dict[str, Any]]:
    response = await client.post("/v1/operations", headers=SCANNER, json={"operations": ops})
    assert response.status_code == 200, response.text
    return list(response.json()["results"])


async def test_a_refused_offline_operation_is_kept_replayed_and_resolved(
    inventory: httpx.AsyncClient,
) -> None:
    allocated, recalled = fresh_lot("SY"), fresh_lot("SY")
    await receive(inventory, COLD, allocated, 5, expiry="2027-05-31")
    await receive(inventory, COLD, recalled, 5)
    taken = await inventory.post(
        "/v1/picks",
        headers=SCANNER,
        json={
            "gtin": COLD,
            "lot": allocated,
            "qty": 5,
            "location": A,
            "order_ref": "SO-ON",
            "ship_to": PHARMACIES[0],
        },
    )
    assert taken.status_code == 201
    path = f"/v1/batches/{COLD}/{lot_segment(recalled)}/recall"
    recall = {"recall_id": "RC-SY", "class": "II", "reason": "mislabel"}
    assert (await inventory.post(path, json=recall, headers=QA)).status_code == 201

    ops = [
        _pick(f"{allocated}-1", allocated, 2),
        _receipt(f"{recalled}-1", recalled, 3),
        _pick(f"{allocated}-ok", recalled, 1),
    ]
    first = await _sync(inventory, ops)
    assert [r["status"] for r in first] == [409, 409, 409]
    assert [problem_type(httpx.Response(r["status"], json=r["problem"], headers={
        "content-type": "application/problem+json"})) for r in first] == [
        "insufficient-stock", "batch-recalled", "batch-recalled"]  # fmt: skip
    conflict_ids = [r["problem"]["sync_conflict"] for r in first]
    assert len(set(conflict_ids)) == 3

    retried = await _sync(inventory, ops)
    assert retried == first

    listed = await _listed(inventory)
    mine = {c["conflict_id"]: c for c in listed if c["conflict_id"] in conflict_ids}
    assert len(mine) == 3
    kept = mine[conflict_ids[1]]
    assert (kept["op"], kept["status"], kept["warehouses"], kept["actor"]) == (
        "receipt",
        "open",
        ["WH1"],
        "tester",
    )
    assert kept["operation"]["qty"] == 3
    assert kept["problem"]["type"].endswith("batch-recalled")
    hidden = await inventory.get(
        f"/v1/sync-conflicts/{conflict_ids[0]}", headers=OTHER_WAREHOUSE_QA
    )
    assert hidden.status_code == 404

    by_scanner = await inventory.post(
        f"/v1/sync-conflicts/{conflict_ids[1]}/apply", json={"reason": "found"}, headers=SCANNER
    )
    assert by_scanner.status_code == 403
    applied = await inventory.post(
        f"/v1/sync-conflicts/{conflict_ids[1]}/apply",
        json={"reason": "goods-on-shelf"},
        headers=QA,
    )
    assert applied.status_code == 201, applied.text
    assert applied.json()["batches"][0]["on_hand"] == {A: 8}
    events = (
        await inventory.get(f"/v1/batches/{COLD}/{lot_segment(recalled)}/events", headers=READER)
    ).json()["events"]
    adjusted = events[-1]
    assert adjusted["type"] == "lotledger.stock.adjusted.v1"
    assert (adjusted["data"]["delta"], adjusted["data"]["sync_conflict"]) == (3, conflict_ids[1])
    twice = await inventory.post(
        f"/v1/sync-conflicts/{conflict_ids[1]}/apply",
        json={"reason": "goods-on-shelf"},
        headers=QA,
    )
    assert (twice.status_code, problem_type(twice)) == (409, "sync-conflict-resolved")

    short = await inventory.post(
        f"/v1/sync-conflicts/{conflict_ids[0]}/apply", json={"reason": "shipped"}, headers=QA
    )
    assert (short.status_code, problem_type(short)) == (409, "insufficient-stock")
    discarded = await inventory.post(
        f"/v1/sync-conflicts/{conflict_ids[0]}/discard",
        json={"reason": "duplicate-scan"},
        headers=QA,
    )
    assert discarded.status_code == 200, discarded.text
    assert (discarded.json()["status"], discarded.json()["reason"]) == (
        "discarded",
        "duplicate-scan",
    )
    still_open = await _listed(inventory)
    assert {c["conflict_id"] for c in still_open} & set(conflict_ids) == {conflict_ids[2]}


async def _listed(inventory: httpx.AsyncClient) -> list[dict[str, Any]]:
    """Every open conflict QA sees, page by page (the shared world keeps other tests' too)."""
    found: list[dict[str, Any]] = []
    while True:
        params = {"limit": 1000, "offset": len(found)}
        page = await inventory.get("/v1/sync-conflicts", params=params, headers=QA)
        assert page.status_code == 200, page.text
        found += page.json()["conflicts"]
        if len(page.json()["conflicts"]) < 1000:
            return found
