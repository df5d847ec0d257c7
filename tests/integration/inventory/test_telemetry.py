"""Telemetry goes straight to Kafka keyed by sensor, acknowledged after the broker acks;
each reading is judged against the sensor registry and the reading window on its own."""

import uuid
from datetime import datetime, timedelta
from typing import Any

import httpx

from lotledger.inventory.settings import InventorySettings
from tests.integration.inventory.conftest import TODAY
from tests.support.kafka import read_topic
from tests.support.tokens import bearer
from tests.support.world import register_sensor

SENSOR = bearer("sensor", warehouses=["WH1"], sub="gateway-1")
ADMIN = bearer("admin")


async def test_readings_reach_kafka_keyed_by_sensor(
    inventory: httpx.AsyncClient, inventory_settings: InventorySettings
) -> None:
    await register_sensor(inventory, ADMIN, "T-COLD-A-1", "WH1/COLD-A/01")
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
    assert response.json() == {"accepted": 5, "refused": 0, "refusals": []}
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
    assert ours[0]["recordedtime"] == "2026-11-24T10:00:00.000000Z"


def _reading(sensor: str, minutes_ago: float, **values: Any) -> dict[str, Any]:
    return {
        "sensor": sensor,
        "location": "WH1/COLD-A/02",
        "at": (TODAY - timedelta(minutes=minutes_ago)).isoformat(),
        **({"temperature_c": 5.0} | values),
    }


async def test_each_refused_reading_is_named_and_the_rest_are_published(
    inventory: httpx.AsyncClient, inventory_settings: InventorySettings
) -> None:
    good, retired, temp_only = (f"LOG-{uuid.uuid4().hex[:6]}" for _ in range(3))
    for sensor in (good, retired):
        await register_sensor(inventory, ADMIN, sensor, "WH1/COLD-A/02")
    await register_sensor(inventory, ADMIN, temp_only, "WH1/COLD-A/02", measures=["temperature"])
    await register_sensor(inventory, ADMIN, retired, "WH1/COLD-A/02", status="retired")
    readings = [
        _reading(good, 3),
        _reading("NEVER-REGISTERED", 3),
        _reading(retired, 0),
        {**_reading(good, 2), "location": "WH1/COLD-A/01"},
        _reading(temp_only, 2, humidity_pct=50.0),
        _reading(good, 8 * 24 * 60),
        _reading(good, -60),
        _reading(good, 1),
    ]
    response = await inventory.post(
        "/v1/telemetry/readings", headers=SENSOR, json={"readings": readings}
    )
    assert response.status_code == 202, response.text
    answer = response.json()
    assert (answer["accepted"], answer["refused"]) == (2, 6)
    refused = {
        r["index"]: (r["sensor"], r["problem"]["type"].rsplit(":", 1)[1], r["problem"]["status"])
        for r in answer["refusals"]
    }
    assert refused == {
        1: ("NEVER-REGISTERED", "unknown-sensor", 422),
        2: (retired, "sensor-retired", 422),
        3: (good, "sensor-elsewhere", 422),
        4: (temp_only, "measure-not-registered", 422),
        5: (good, "reading-too-old", 422),
        6: (good, "reading-in-future", 422),
    }
    fields = {r["index"]: r["problem"]["errors"][0]["field"] for r in answer["refusals"]}
    assert fields == {
        1: "readings.1.sensor",
        2: "readings.2.sensor",
        3: "readings.3.location",
        4: "readings.4.humidity_pct",
        5: "readings.5.at",
        6: "readings.6.at",
    }
    assert "168 h" in answer["refusals"][4]["problem"]["detail"]
    messages = await read_topic(
        inventory_settings.kafka_bootstrap,
        inventory_settings.topic("lotledger.telemetry.v1"),
        until=lambda ms: sum(m["_key"] == good for m in ms) >= 2,
    )
    published = sorted(m["data"]["at"] for m in messages if m["_key"] == good)
    assert published == sorted(
        datetime.fromisoformat(readings[i]["at"]).strftime("%Y-%m-%dT%H:%M:%SZ") for i in (0, 7)
    )
    assert not [m for m in messages if m["_key"] in (retired, temp_only, "NEVER-REGISTERED")]


async def test_a_buffer_uploaded_late_within_the_horizon_is_accepted(
    inventory: httpx.AsyncClient,
) -> None:
    logger = f"LOG-{uuid.uuid4().hex[:6]}"
    await register_sensor(inventory, ADMIN, logger, "WH1/COLD-A/02", interval_minutes=5)
    buffer = [_reading(logger, 6 * 60 - 5 * i) for i in range(24)]
    response = await inventory.post(
        "/v1/telemetry/readings", headers=SENSOR, json={"readings": buffer}
    )
    assert response.json() == {"accepted": 24, "refused": 0, "refusals": []}


async def test_malformed_readings_are_refused_whole(inventory: httpx.AsyncClient) -> None:
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
