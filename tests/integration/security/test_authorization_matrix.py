"""Generated from the access tables: every endpoint of every service × every role (and no
token) answers as declared — 401 without a token, 403 outside the roles, and never 401/403
for an admitted role. Object-level warehouse checks are tested below by hand."""

from __future__ import annotations

import re

import httpx
import pytest

from lotledger.inventory.entrypoints.api.access import ACCESS as INVENTORY_ACCESS
from lotledger.shared.auth import Role
from lotledger.shared.web.access import OPERATIONS, declared_routes
from tests.integration.security.conftest import Service
from tests.support.apps import serve
from tests.support.stock import receive
from tests.support.tokens import bearer
from tests.support.world import COLD, fresh_lot

PATH_VALUES = {
    "gtin": COLD,
    "lot": "AUTHZ-LOT",
    "location_id": "WH1/COLD-A/01",
    "party": "9506000000022",
    "checkpoint_id": "1",
    "alert_id": "00000000-0000-4000-8000-000000000001",
    "webhook_id": "00000000-0000-4000-8000-000000000002",
    "excursion_id": "00000000-0000-4000-8000-000000000003",
    "sensor_id": "T-WH1-COLD-A-01",
    "conflict_id": "00000000-0000-4000-8000-000000000004",
    "warehouse_id": "WH1",
    "serial": "AUTHZ-SERIAL",
    "sscc": "106141412345678908",
}


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES[m.group(1)], path)


def test_every_route_is_declared_and_every_declaration_is_a_route(
    services: list[Service],
) -> None:
    for service in services:
        routes = declared_routes(service.app)
        declared = set(OPERATIONS) | set(service.table)
        assert sorted(routes - declared) == [], f"{service.name}: undeclared endpoints"
        assert sorted(declared - routes) == [], f"{service.name}: stale declarations"


async def test_each_role_gets_what_the_table_declares(services: list[Service]) -> None:
    checked = 0
    for service in services:
        async with serve(service.app) as client:
            for (method, path), rule in sorted(service.table.items()):
                url = concrete(path)
                anonymous = await client.request(method, url)
                assert anonymous.status_code == 401, (service.name, method, path)
                assert anonymous.headers["content-type"] == "application/problem+json"
                for role in Role:
                    response = await client.request(method, url, headers=bearer(role.value))
                    if role in rule.roles:
                        assert response.status_code not in (401, 403), (
                            service.name,
                            method,
                            path,
                            role,
                            response.text,
                        )
                    else:
                        assert response.status_code == 403, (service.name, method, path, role)
                        assert response.json()["type"] == "urn:lotledger:problem:forbidden"
                    checked += 1
    assert checked >= 6 * len(INVENTORY_ACCESS)


async def test_scanner_cannot_write_in_another_warehouse(inventory: httpx.AsyncClient) -> None:
    wh1 = bearer("scanner", warehouses=["WH1"])
    lot = fresh_lot("AZ")
    await receive(
        inventory,
        COLD,
        lot,
        5,
        location="WH2/COLD-A/01",
        headers=bearer("scanner", warehouses=["WH2"]),
    )
    pick = await inventory.post(
        "/v1/picks",
        headers=wh1,
        json={
            "gtin": COLD,
            "lot": lot,
            "qty": 1,
            "location": "WH2/COLD-A/01",
            "order_ref": "SO-X",
            "ship_to": "9506000000022",
        },
    )
    assert pick.status_code == 403
    move = await inventory.post(
        "/v1/moves",
        headers=wh1,
        json={
            "gtin": COLD,
            "lot": lot,
            "qty": 1,
            "from_location": "WH2/COLD-A/01",
            "to_location": "WH1/COLD-A/01",
        },
    )
    assert move.status_code == 403
    fefo_elsewhere = await inventory.post(
        "/v1/picks",
        headers=wh1,
        json={
            "gtin": COLD,
            "qty": 1,
            "warehouse": "WH2",
            "order_ref": "SO-X",
            "ship_to": "9506000000022",
        },
    )
    assert fefo_elsewhere.status_code == 403
    operations = await inventory.post(
        "/v1/operations",
        headers=wh1,
        json={
            "operations": [
                {
                    "op": "disposal",
                    "client_op_id": f"az-{lot}",
                    "gtin": COLD,
                    "lot": lot,
                    "qty": 1,
                    "location": "WH2/COLD-A/01",
                    "reason": "damaged",
                }
            ]
        },
    )
    assert operations.json()["results"][0]["status"] == 403
    qa_wh1 = bearer("qa", warehouses=["WH1"])
    recall = await inventory.post(
        f"/v1/batches/{COLD}/{lot}/recall",
        headers=qa_wh1,
        json={"recall_id": "R-AZ", "class": "II", "reason": "mislabel"},
    )
    assert recall.status_code == 403


async def test_reads_across_warehouses_are_refused_or_filtered(
    inventory: httpx.AsyncClient,
) -> None:
    wh1 = bearer("erp", warehouses=["WH1"])
    lot = fresh_lot("AZ")
    await receive(inventory, COLD, fresh_lot("AZ"), 2, location="WH1/COLD-A/01")
    await receive(
        inventory,
        COLD,
        lot,
        5,
        location="WH2/COLD-A/01",
        headers=bearer("scanner", warehouses=["WH2"]),
    )
    assert (await inventory.get(f"/v1/batches/{COLD}/{lot}", headers=wh1)).status_code == 403
    assert (await inventory.get(f"/v1/batches/{COLD}/{lot}/events", headers=wh1)).status_code == 403
    assert (await inventory.get("/v1/locations/WH2/COLD-A/01", headers=wh1)).status_code == 403
    assert (
        await inventory.get("/v1/stock", headers=wh1, params={"warehouse": "WH2"})
    ).status_code == 403
    lines = (await inventory.get("/v1/stock", headers=wh1, params={"gtin": COLD})).json()
    assert lines["lines"]
    assert {line["warehouse"] for line in lines["lines"]} == {"WH1"}
    admin_wh1 = bearer("admin", warehouses=["WH1"])
    put = await inventory.put(
        "/v1/locations/WH2/COLD-Z/01",
        headers=admin_wh1,
        json={
            "warehouse": "WH2",
            "name": "z",
            "kind": "storage",
            "storage_class": "cold",
            "temp_min_c": 2,
            "temp_max_c": 8,
        },
    )
    assert put.status_code == 403


STATUS_CHANGES: dict[str, dict[str, str]] = {
    "release": {},
    "quarantine": {},
    "reject": {},
    "recall": {"recall_id": "R-AZ", "class": "II", "reason": "mislabel"},
}
ONLY_WH2 = bearer("scanner", warehouses=["WH2"])
QA_ANYWHERE = bearer("qa")


async def _emptied_wh2_lot(inventory: httpx.AsyncClient, quarantined: bool) -> str:
    """A lot that only ever lived in WH2, all of it gone (nothing on hand anywhere)."""
    lot = fresh_lot("AZ")
    await receive(inventory, COLD, lot, 2, location="WH2/COLD-A/01", headers=ONLY_WH2)
    if quarantined:
        done = await inventory.post(
            f"/v1/batches/{COLD}/{lot}/quarantine", headers=QA_ANYWHERE, json={}
        )
        assert done.status_code == 201, done.text
    disposal = {"gtin": COLD, "lot": lot, "qty": 2, "location": "WH2/COLD-A/01"}
    gone = await inventory.post(
        "/v1/disposals", headers=ONLY_WH2, json={**disposal, "reason": "damaged"}
    )
    assert gone.status_code == 201, gone.text
    return lot


@pytest.mark.parametrize("action", sorted(STATUS_CHANGES))
@pytest.mark.parametrize("via", ["single", "operations"])
async def test_status_changes_of_a_lot_never_in_scope_are_refused_with_nothing_on_hand(
    inventory: httpx.AsyncClient, action: str, via: str
) -> None:
    lot = await _emptied_wh2_lot(inventory, quarantined=action == "release")
    before = (await inventory.get(f"/v1/batches/{COLD}/{lot}", headers=QA_ANYWHERE)).json()
    assert before["on_hand"] == {}
    qa_wh1 = bearer("qa", warehouses=["WH1"])
    if via == "single":
        response = await inventory.post(
            f"/v1/batches/{COLD}/{lot}/{action}", headers=qa_wh1, json=STATUS_CHANGES[action]
        )
        status = response.status_code
    else:
        operation = {"op": action, "client_op_id": f"az-{lot}", "gtin": COLD, "lot": lot}
        response = await inventory.post(
            "/v1/operations",
            headers=qa_wh1,
            json={"operations": [{**operation, **STATUS_CHANGES[action]}]},
        )
        status = response.json()["results"][0]["status"]
    assert status == 403, response.text
    after = (await inventory.get(f"/v1/batches/{COLD}/{lot}", headers=QA_ANYWHERE)).json()
    assert after["version"] == before["version"]


async def _visible_and_qa_able(inventory: httpx.AsyncClient, lot: str, warehouse: str) -> None:
    reader = bearer("erp", warehouses=[warehouse])
    read = await inventory.get(f"/v1/batches/{COLD}/{lot}", headers=reader)
    assert read.status_code == 200, (warehouse, read.text)
    assert all(loc.startswith(f"{warehouse}/") for loc in read.json()["on_hand"])
    events = await inventory.get(f"/v1/batches/{COLD}/{lot}/events", headers=reader)
    assert events.status_code == 200, (warehouse, events.text)
    qa = bearer("qa", warehouses=[warehouse])
    quarantine = await inventory.post(f"/v1/batches/{COLD}/{lot}/quarantine", headers=qa, json={})
    assert quarantine.status_code == 201, (warehouse, quarantine.text)
    release = await inventory.post(f"/v1/batches/{COLD}/{lot}/release", headers=qa, json={})
    assert release.status_code == 201, (warehouse, release.text)


async def test_a_lot_that_moved_between_warehouses_is_in_the_scope_of_both(
    inventory: httpx.AsyncClient,
) -> None:
    lot = fresh_lot("AZ")
    await receive(inventory, COLD, lot, 3, location="WH2/COLD-A/01", headers=bearer("scanner"))
    move = {"gtin": COLD, "lot": lot, "qty": 3}
    moved = await inventory.post(
        "/v1/moves",
        headers=bearer("scanner"),
        json={**move, "from_location": "WH2/COLD-A/01", "to_location": "WH1/COLD-A/01"},
    )
    assert moved.status_code == 201, moved.text
    for warehouse in ("WH1", "WH2"):
        await _visible_and_qa_able(inventory, lot, warehouse)
    assert (
        await inventory.get(f"/v1/batches/{COLD}/{lot}", headers=bearer("erp", warehouses=["WH3"]))
    ).status_code == 403


async def test_a_lot_that_passed_through_a_warehouse_within_one_request_stays_in_its_scope(
    inventory: httpx.AsyncClient,
) -> None:
    lot = fresh_lot("AZ")
    batch = {"gtin": COLD, "lot": lot}
    synced = await inventory.post(
        "/v1/operations",
        headers=bearer("scanner", warehouses=["WH1", "WH2"]),
        json={
            "operations": [
                {
                    "op": "receipt",
                    "client_op_id": f"in-{lot}",
                    **batch,
                    "expiry": "2027-06-30",
                    "qty": 3,
                    "location": "WH2/COLD-A/01",
                    "supplier": "9506000000015",
                },
                {
                    "op": "move",
                    "client_op_id": f"mv-{lot}",
                    **batch,
                    "qty": 3,
                    "from_location": "WH2/COLD-A/01",
                    "to_location": "WH1/COLD-A/01",
                },
            ]
        },
    )
    assert [r["status"] for r in synced.json()["results"]] == [201, 201], synced.text
    await _visible_and_qa_able(inventory, lot, "WH2")


async def test_audit_reads_follow_the_scope_of_what_they_audit(
    inventory: httpx.AsyncClient,
) -> None:
    for role in ("admin", "regulator"):
        wh1 = bearer(role, warehouses=["WH1"])
        elsewhere = await inventory.get("/v1/locations/WH2/COLD-A/01/audit", headers=wh1)
        assert elsewhere.status_code == 403, (role, elsewhere.text)
        assert elsewhere.json()["type"] == "urn:lotledger:problem:forbidden"
        own = await inventory.get("/v1/locations/WH1/COLD-A/01/audit", headers=wh1)
        assert own.status_code == 200, (role, own.text)
        assert own.json()
        unknown = await inventory.get("/v1/locations/WH1/NOWHERE/01/audit", headers=wh1)
        assert unknown.status_code == 404, (role, unknown.text)
        product = await inventory.get(f"/v1/products/{COLD}/audit", headers=wh1)
        assert product.status_code == 200, (role, product.text)
        assert product.json()
