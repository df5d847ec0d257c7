"""Telemetry goes straight to Kafka keyed by sensor, acknowledged after the broker acks."""

from datetime import timedelta

import httpx

from lotledger.inventory.settings import InventorySettings
from tests.integration.inventory.conftest import TODAY
from tests.support.kafka import read_topic
from tests.support.tokens import bearer

SENSOR = bearer("sensor", warehouses=["WH1"], sub="gateway-1")


async def test_readings_reach_kafka_keyed_by_sensor(
    inventory: httpx.AsyncClient, inventory_settings: InventorySettings
) -> None:
    readings = [
        {
            "sensor": "T-COLD-A-1",
            "location": "WH1/COLD-A/01",
            "at": (TODAY - timedelta(minutes=10 - i)).isoformat(),
            "temperature_c": 4.0 + i / 10,
            "humidity_pct": 50.0,
        }
        for i in range(5)
    ]
    response = await inventory.post(
        "/v1/telemetry/readings", headers=SENSOR, json={"readings": readings}
    )
    assert response.status_code == 202, response.text
    assert response.json() == {"accepted": 5}
    topic = inventory_settings.topic("lotledger.telemetry.v1")
    messages = await read_topic(
        inventory_settings.kafka_bootstrap,
        topic,
        until=lambda ms: sum(m["_key"] == "T-COLD-A-1" for m in ms) >= 5,
    )
    ours = [m for m in messages if m["_key"] == "T-COLD-A-1"]
    assert len({m["_partition"] for m in ours}) == 1
    assert [m["data"]["temperature_c"] for m in ours] == [4.0, 4.1, 4.2, 4.3, 4.4]
    assert ours[0]["type"] == "lotledger.telemetry.reading.v1"


async def test_bad_readings_are_refused_whole(inventory: httpx.AsyncClient) -> None:
    now = TODAY.isoformat()
    cases = [
        ({"sensor": "S1", "location": "WH1/COLD-A/01", "at": now}, "readings.0"),
        (
            {"sensor": "S1", "location": "WH1/COLD-A/01", "at": now, "temperature_c": 400},
            "readings.0.temperature_c",
        ),
        (
            {
                "sensor": "S1",
                "location": "WH1/COLD-A/01",
                "at": "2026-11-24T10:00:00",
                "temperature_c": 5,
            },
            "readings.0.at",
        ),
        (
            {"sensor": "S1", "location": "WH1/COLD-A/01", "at": 1795000000, "temperature_c": 5},
            "readings.0.at",
        ),
        (
            {
                "sensor": "S1",
                "location": "WH1/COLD-A/01",
                "at": (TODAY + timedelta(hours=1)).isoformat(),
                "temperature_c": 5,
            },
            "readings.0.at",
        ),
    ]
    for reading, field in cases:
        response = await inventory.post(
            "/v1/telemetry/readings", headers=SENSOR, json={"readings": [reading]}
        )
        assert response.status_code == 422, response.text
        assert any(e["field"].startswith(field) for e in response.json()["errors"])


async def test_sensors_are_scoped_to_their_warehouse(inventory: httpx.AsyncClient) -> None:
    reading = {
        "sensor": "S2",
        "location": "WH2/COLD-A/01",
        "at": TODAY.isoformat(),
        "temperature_c": 5,
    }
    response = await inventory.post(
        "/v1/telemetry/readings", headers=SENSOR, json={"readings": [reading]}
    )
    assert response.status_code == 403
    scanner = bearer("scanner", warehouses=["WH1"])
    response = await inventory.post(
        "/v1/telemetry/readings",
        headers=scanner,
        json={"readings": [{**reading, "location": "WH1/COLD-A/01"}]},
    )
    assert response.status_code == 403
