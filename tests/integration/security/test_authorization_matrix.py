"""Generated from the access tables: every endpoint of every service × every role (and no
token) answers as declared — 401 without a token, 403 outside the roles, and never 401/403
for an admitted role. Object-level warehouse checks are tested below by hand."""

from __future__ import annotations

import re

import httpx

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
