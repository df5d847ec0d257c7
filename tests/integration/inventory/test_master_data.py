"""Master data: validation, 201/200 semantics, audit trail, catalog events on Kafka."""

import httpx
import pytest

from lotledger.inventory.settings import InventorySettings
from lotledger.shared.identifiers import gs1_check_digit
from tests.support.kafka import read_topic
from tests.support.tokens import bearer
from tests.support.world import fresh_lot

ADMIN = bearer("admin", sub="admin-7")


def new_gtin() -> str:
    body = f"0400638{fresh_lot('')[-6:]}"
    return body + str(gs1_check_digit(body))


async def test_product_lifecycle_is_audited_and_published(
    inventory: httpx.AsyncClient, inventory_settings: InventorySettings, relay: object
) -> None:
    gtin = new_gtin()
    body = {
        "name": "Heparin 5000 IU",
        "storage_class": "cold",
        "rx": True,
        "reorder_point": 10,
        "max_stock": 100,
        "near_expiry_days": [30, 180, 90],
    }
    created = await inventory.put(f"/v1/products/{gtin}", json=body, headers=ADMIN)
    assert created.status_code == 201
    assert created.json()["near_expiry_days"] == [180, 90, 30]
    same = await inventory.put(f"/v1/products/{gtin}", json=body, headers=ADMIN)
    assert same.status_code == 200
    updated = await inventory.put(
        f"/v1/products/{gtin}", json={**body, "max_stock": 200}, headers=ADMIN
    )
    assert updated.status_code == 200
    audit = (await inventory.get(f"/v1/products/{gtin}/audit", headers=ADMIN)).json()
    assert [(a["before"] or {}).get("max_stock") for a in audit] == [None, 100]
    assert [a["after"]["max_stock"] for a in audit] == [100, 200]
    assert {a["actor"] for a in audit} == {"admin-7"}

    topic = inventory_settings.topic("lotledger.catalog.v1")
    key = f"product:{gtin}"
    messages = await read_topic(
        inventory_settings.kafka_bootstrap,
        topic,
        until=lambda ms: sum(m["_key"] == key for m in ms) >= 2,
    )
    ours = [m for m in messages if m["_key"] == key]
    assert [m["type"] for m in ours] == [
        "lotledger.catalog.product_registered.v1",
        "lotledger.catalog.product_updated.v1",
    ]
    assert ours[-1]["data"]["max_stock"] == 200


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/v1/products/09506000134353", {"name": "x", "storage_class": "cold", "rx": True}, "gtin"),
        (
            "/v1/products/09506000134352",
            {"name": "x", "storage_class": "frozen", "rx": True},
            "storage_class",
        ),
        (
            "/v1/products/09506000134352",
            {
                "name": "x",
                "storage_class": "cold",
                "rx": True,
                "reorder_point": 50,
                "max_stock": 10,
            },
            "body",
        ),
        (
            "/v1/locations/WH1/COLD-Z/9",
            {
                "warehouse": "WH1",
                "name": "z",
                "kind": "storage",
                "storage_class": "cold",
                "temp_min_c": 2,
                "temp_max_c": 15,
            },
            "temp_max_c",
        ),
        (
            "/v1/locations/WH1/COLD-Z/9",
            {
                "warehouse": "WH2",
                "name": "z",
                "kind": "storage",
                "storage_class": "cold",
                "temp_min_c": 2,
                "temp_max_c": 8,
            },
            "location_id",
        ),
        (
            "/v1/locations/WH1/COLD-Z/9",
            {
                "warehouse": "WH1",
                "name": "z",
                "kind": "storage",
                "storage_class": "cold",
                "temp_min_c": 8,
                "temp_max_c": 2,
            },
            "body",
        ),
        (
            "/v1/locations/WH1/COLD-Z/9",
            {
                "warehouse": "WH1",
                "name": "z",
                "kind": "storage",
                "storage_class": "cold",
                "temp_min_c": 2,
                "temp_max_c": 8,
                "timezone": "Mars/Olympus",
            },
            "timezone",
        ),
    ],
)
async def test_master_data_validation(
    inventory: httpx.AsyncClient, path: str, body: dict[str, object], field: str
) -> None:
    response = await inventory.put(path, json=body, headers=ADMIN)
    assert response.status_code == 422, response.text
    assert any(e["field"].endswith(field) for e in response.json()["errors"]), response.json()


async def test_only_admins_write_master_data(inventory: httpx.AsyncClient) -> None:
    body = {"name": "x", "storage_class": "cold", "rx": True}
    assert (await inventory.put(f"/v1/products/{new_gtin()}", json=body)).status_code == 401
    scanner = bearer("scanner", warehouses=["WH1"])
    response = await inventory.put(f"/v1/products/{new_gtin()}", json=body, headers=scanner)
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
