"""A small, realistic catalog shared by the integration and end-to-end tests."""

from __future__ import annotations

import itertools
from typing import Any

import httpx

from lotledger.shared.identifiers import gs1_check_digit

COLD = "09506000134352"
AMBIENT = "00614141000036"
COOL = "04006381333931"

PRODUCTS: dict[str, dict[str, Any]] = {
    COLD: {
        "name": "Insulin glargine 100 U/ml",
        "storage_class": "cold",
        "rx": True,
        "reorder_point": 20,
        "max_stock": 500,
    },
    AMBIENT: {
        "name": "Paracetamol 500 mg",
        "storage_class": "ambient",
        "rx": False,
        "reorder_point": 50,
        "max_stock": 5000,
    },
    COOL: {"name": "Amoxicillin 250 mg/5 ml", "storage_class": "cool", "rx": True},
}


def _location(
    warehouse: str, kind: str, cls: str, low: float, high: float, tz: str = "UTC"
) -> dict[str, Any]:
    return {
        "warehouse": warehouse,
        "name": f"{cls} {kind}",
        "kind": kind,
        "storage_class": cls,
        "temp_min_c": low,
        "temp_max_c": high,
        "humidity_min_pct": 35,
        "humidity_max_pct": 75,
        "timezone": tz,
    }


LOCATIONS: dict[str, dict[str, Any]] = {
    "WH1/COLD-A/01": _location("WH1", "storage", "cold", 2, 8),
    "WH1/COLD-A/02": _location("WH1", "storage", "cold", 2, 8),
    "WH1/COLD-Q/01": _location("WH1", "quarantine", "cold", 2, 8),
    "WH1/AMB-A/01": _location("WH1", "storage", "ambient", 15, 25),
    "WH1/AMB-Q/01": _location("WH1", "quarantine", "ambient", 15, 25),
    "WH1/COOL-A/01": _location("WH1", "storage", "cool", 8, 20),
    "WH1/DISPATCH/01": _location("WH1", "dispatch", "cold", 2, 8),
    "WH2/COLD-A/01": _location("WH2", "storage", "cold", 2, 8),
    "WH2/AMB-A/01": _location("WH2", "storage", "ambient", 15, 25),
}


def sensor_of(location: str) -> str:
    """The id of the sensor the shared world registers at `location`."""
    return "T-" + location.replace("/", "-")


SUPPLIER = "9506000000015"
PHARMACIES = ["9506000000022", "9506000000039", "9506000000046"]

_lots = itertools.count(1)


def fresh_lot(prefix: str = "L") -> str:
    """A lot number no other test uses in this run."""
    return f"{prefix}{next(_lots):06d}"


def fresh_gtin() -> str:
    """A valid GTIN no other test of the run uses (every test's products come from here:
    two counters over the same prefix once gave two tests one product)."""
    body = f"0950601{fresh_lot('')[-6:]}"
    return body + str(gs1_check_digit(body))


def gln(n: int) -> str:
    body = f"950600{n:06d}"
    return body + str(gs1_check_digit(body))


async def seed_catalog(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    for gtin, body in PRODUCTS.items():
        response = await client.put(f"/v1/products/{gtin}", json=body, headers=headers)
        assert response.status_code in (200, 201), response.text
    for location_id, body in LOCATIONS.items():
        response = await client.put(f"/v1/locations/{location_id}", json=body, headers=headers)
        assert response.status_code in (200, 201), response.text
        await register_sensor(client, headers, sensor_of(location_id), location_id)


async def register_sensor(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    sensor: str,
    location: str,
    **fields: Any,
) -> dict[str, Any]:
    """Register (or update) `sensor` at `location`; both measures, 30 minutes by default."""
    response = await client.put(
        f"/v1/sensors/{sensor}", json={"location": location, **fields}, headers=headers
    )
    assert response.status_code in (200, 201), response.text
    registered: dict[str, Any] = response.json()
    return registered


async def fresh_product(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    storage_class: str = "cold",
    **thresholds: Any,
) -> str:
    """A product no other test stocks, so FEFO and stock levels see only this test's lots."""
    gtin = fresh_gtin()
    response = await client.put(
        f"/v1/products/{gtin}",
        headers=headers,
        json={
            "name": f"Test product {gtin}",
            "storage_class": storage_class,
            "rx": True,
            **thresholds,
        },
    )
    assert response.status_code == 201, response.text
    return gtin
