"""The sensor registry: master data like products and locations (audited, on the catalog
topic, admin within the sensor's warehouse), with a fixed location and a final retirement;
and a location's record keeps every range it has had."""

import uuid
from typing import Any

import httpx

from lotledger.inventory.entrypoints.relay import Relay
from lotledger.inventory.settings import InventorySettings
from tests.integration.inventory.conftest import TODAY
from tests.support.kafka import read_topic
from tests.support.tokens import bearer
from tests.support.world import LOCATIONS

ADMIN = bearer("admin", sub="admin-7")
LOCATION = "WH1/COLD-A/02"


def _sensor() -> str:
    return f"LOG-{uuid.uuid4().hex[:8]}"


async def _put(
    inventory: httpx.AsyncClient, sensor: str, headers: dict[str, str] = ADMIN, **body: Any
) -> httpx.Response:
    return await inventory.put(
        f"/v1/sensors/{sensor}", json={"location": LOCATION, **body}, headers=headers
    )


async def test_a_sensor_is_registered_audited_and_published(
    inventory: httpx.AsyncClient, inventory_settings: InventorySettings, relay: Relay
) -> None:
    sensor = _sensor()
    created = await _put(inventory, sensor, measures=["temperature"], interval_minutes=5)
    assert created.status_code == 201, created.text
    record = created.json()
    assert record == {
        "sensor_id": sensor,
        "location": LOCATION,
        "warehouse": "WH1",
        "measures": ["temperature"],
        "interval_minutes": 5,
        "calibration_due": None,
        "status": "active",
        "registered_at": "2026-11-24T10:00:00Z",
        "retired_at": None,
    }
    again = await _put(inventory, sensor, measures=["temperature"], interval_minutes=5)
    assert (again.status_code, again.json()) == (200, record)
    due = await _put(inventory, sensor, measures=["temperature"], calibration_due="2027-06-30")
    assert due.json()["calibration_due"] == "2027-06-30"

    fetched = await inventory.get(f"/v1/sensors/{sensor}", headers=bearer("sensor"))
    assert fetched.json()["calibration_due"] == "2027-06-30"
    audit = (await inventory.get(f"/v1/sensors/{sensor}/audit", headers=ADMIN)).json()
    assert [(a["actor"], a["before"] is None) for a in audit] == [
        ("admin-7", True),
        ("admin-7", False),
    ]
    listed = await inventory.get("/v1/sensors", params={"location": LOCATION}, headers=ADMIN)
    assert sensor in {s["sensor_id"] for s in listed.json()}

    messages = await read_topic(
        inventory_settings.kafka_bootstrap,
        inventory_settings.topic("lotledger.catalog.v1"),
        until=lambda ms: sum(m["_key"] == f"sensor:{sensor}" for m in ms) >= 2,
    )
    ours = [m for m in messages if m["_key"] == f"sensor:{sensor}"]
    assert [(m["type"], m["streamversion"]) for m in ours] == [
        ("lotledger.catalog.sensor_registered.v1", 1),
        ("lotledger.catalog.sensor_updated.v1", 2),
    ]
    assert ours[1]["data"]["calibration_due"] == "2027-06-30"


async def test_a_sensor_cannot_move_and_retirement_is_final(inventory: httpx.AsyncClient) -> None:
    sensor = _sensor()
    assert (await _put(inventory, sensor)).status_code == 201
    moved = await inventory.put(
        f"/v1/sensors/{sensor}", json={"location": "WH1/COLD-A/01"}, headers=ADMIN
    )
    assert (moved.status_code, moved.json()["type"]) == (
        409,
        "urn:lotledger:problem:sensor-location-fixed",
    )
    retired = await _put(inventory, sensor, status="retired")
    assert retired.status_code == 200, retired.text
    assert retired.json()["retired_at"] == "2026-11-24T10:00:00Z"
    revived = await _put(inventory, sensor)
    assert (revived.status_code, revived.json()["type"]) == (
        409,
        "urn:lotledger:problem:sensor-retired",
    )


async def test_registration_is_refused_outside_the_admins_warehouse_or_at_no_location(
    inventory: httpx.AsyncClient,
) -> None:
    sensor = _sensor()
    elsewhere = await _put(inventory, sensor, headers=bearer("admin", warehouses=["WH2"]))
    assert elsewhere.status_code == 403
    unknown = await inventory.put(
        f"/v1/sensors/{sensor}", json={"location": "WH1/NOWHERE/01"}, headers=ADMIN
    )
    assert (unknown.status_code, unknown.json()["type"]) == (
        404,
        "urn:lotledger:problem:unknown-location",
    )
    bad = await _put(
        inventory, sensor, measures=[], interval_minutes=0, calibration_due="2027-06-30T00:00:00Z"
    )
    assert bad.status_code == 422
    rules = {e["field"]: e["rule"] for e in bad.json()["errors"]}
    assert set(rules) == {"measures", "interval_minutes", "calibration_due"}
    assert rules["calibration_due"] == "date_format"
    assert (await inventory.get(f"/v1/sensors/{sensor}", headers=ADMIN)).status_code == 404
    scanner = await _put(inventory, sensor, headers=bearer("scanner"))
    assert scanner.status_code == 403


async def test_a_location_record_keeps_every_range_it_has_had(
    inventory: httpx.AsyncClient,
) -> None:
    location = f"WH1/RANGE-{uuid.uuid4().hex[:6]}/01"
    body = {**LOCATIONS["WH1/COLD-A/01"], "name": "cold room"}
    first = await inventory.put(f"/v1/locations/{location}", json=body, headers=ADMIN)
    assert [r["temp_max_c"] for r in first.json()["ranges"]] == [8.0]
    renamed = await inventory.put(
        f"/v1/locations/{location}", json={**body, "name": "cold room A"}, headers=ADMIN
    )
    assert [r["temp_max_c"] for r in renamed.json()["ranges"]] == [8.0]
    narrowed = await inventory.put(
        f"/v1/locations/{location}",
        json={**body, "temp_max_c": 6, "humidity_max_pct": 60},
        headers=ADMIN,
    )
    ranges = narrowed.json()["ranges"]
    assert [(r["temp_max_c"], r["humidity_max_pct"]) for r in ranges] == [(8.0, 75.0), (6.0, 60.0)]
    assert ranges[-1]["since"] == TODAY.isoformat().replace("+00:00", "Z")
    stored = await inventory.get(f"/v1/locations/{location}", headers=ADMIN)
    assert stored.json()["ranges"] == ranges
