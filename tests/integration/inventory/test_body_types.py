"""What the fuzzer found in request bodies: a lax parser turned strings into booleans and
numbers, a NUL in a name reached Postgres as a 500, and a location id could swallow its
`/audit` sub-resource. Each is now a 422 naming the field (or a 405), and nothing is written."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from lotledger.shared.identifiers import gs1_check_digit
from tests.support.tokens import bearer
from tests.support.world import fresh_lot

ADMIN = bearer("admin")
PRODUCT = {"name": "Heparin 5000 IU", "storage_class": "cold", "rx": True}
LOCATION = {
    "warehouse": "WH1",
    "name": "cold store",
    "kind": "storage",
    "storage_class": "cold",
    "temp_min_c": 2,
    "temp_max_c": 8,
}


def new_gtin() -> str:
    body = f"0400639{fresh_lot('')[-6:]}"
    return body + str(gs1_check_digit(body))


def refused(response: httpx.Response, field: str) -> None:
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["errors"]]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"rx": "true"}, "rx"),
        ({"rx": 1}, "rx"),
        ({"name": "Heparin\u0000"}, "name"),
        ({"name": "Heparin\n5000"}, "name"),
    ],
)
async def test_product_bodies_take_json_types_and_printable_names(
    inventory: httpx.AsyncClient, change: dict[str, Any], field: str
) -> None:
    url = f"/v1/products/{new_gtin()}"
    refused(await inventory.put(url, json={**PRODUCT, **change}, headers=ADMIN), field)
    assert (await inventory.get(url, headers=ADMIN)).status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [({"temp_min_c": "2"}, "temp_min_c"), ({"humidity_max_pct": True}, "humidity_max_pct")],
)
async def test_location_ranges_are_numbers(
    inventory: httpx.AsyncClient, change: dict[str, Any], field: str
) -> None:
    url = f"/v1/locations/WH1/T{fresh_lot('')}/01"
    refused(await inventory.put(url, json={**LOCATION, **change}, headers=ADMIN), field)


async def test_a_location_id_never_holds_a_sub_resource(inventory: httpx.AsyncClient) -> None:
    area = f"T{fresh_lot('')}"
    raw = await inventory.put(f"/v1/locations/WH1/{area}/audit", json=LOCATION, headers=ADMIN)
    assert (raw.status_code, raw.headers["allow"]) == (405, "GET")
    encoded = await inventory.put(
        f"/v1/locations/WH1%2F{area}%2Faudit", json=LOCATION, headers=ADMIN
    )
    assert encoded.status_code == 422, encoded.text


async def test_sensor_readings_and_stocktake_flags_are_json_types(
    inventory: httpx.AsyncClient,
) -> None:
    reading = {"sensor": "S1", "location": "WH1/COLD-A/01", "at": "2026-11-24T09:59:00Z"}
    response = await inventory.post(
        "/v1/telemetry/readings",
        json={"readings": [{**reading, "temperature_c": "4.5"}]},
        headers=bearer("sensor"),
    )
    refused(response, "readings.0.temperature_c")
    stocktake = {"stocktake_id": "ST-T", "location": "WH1/COLD-A/01", "lines": []}
    response = await inventory.post(
        "/v1/stocktakes", json={**stocktake, "zero_uncounted": "yes"}, headers=bearer("erp")
    )
    refused(response, "zero_uncounted")
