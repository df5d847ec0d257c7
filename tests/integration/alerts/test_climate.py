"""Temperature and humidity excursions (as traceability publishes them on
`lotledger.excursions.v1`) and silent sensors (readings through inventory's telemetry
endpoint on `lotledger.telemetry.v1`)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from lotledger.shared.contracts import excursions as x
from lotledger.shared.contracts.topics import EXCURSIONS
from lotledger.shared.envelope import CloudEvent
from tests.integration.alerts.world import ADMIN, TODAY, AlertsWorld
from tests.support.tokens import bearer
from tests.support.world import COLD, register_sensor

LOCATION = "WH1/COLD-A/02"
SENSOR = bearer("sensor", warehouses=["WH1"], sub="gateway-1")
EXPOSED = [
    x.ExposedLot(gtin=COLD, lot="EXP-B", qty=12, exposure_minutes=40.0),
    x.ExposedLot(gtin=COLD, lot="EXP-A", qty=5),
]


def _event(payload: x.ExcursionStarted | x.ExcursionEnded, version: str) -> CloudEvent:
    return CloudEvent(
        id=uuid.uuid4(),
        source="/traceability/WH1",
        type=version,
        subject=payload.location,
        time=TODAY,
        data=payload.as_data(),
    )


def _started(excursion_id: str, kind: x.ExcursionKind, limit: float, peak: float) -> Any:
    return x.ExcursionStarted(
        excursion_id=excursion_id,
        location=LOCATION,
        sensor="T-COLD-A-02",
        kind=kind,
        limit=limit,
        started_at=TODAY - timedelta(minutes=20),
        peak=peak,
        readings=4,
        exposed_lots=EXPOSED,
    )


def _ended(started: x.ExcursionStarted) -> x.ExcursionEnded:
    return x.ExcursionEnded(
        **started.model_dump(exclude={"readings"}),
        ended_at=TODAY,
        duration_minutes=20.0,
        readings=9,
    )


async def _about(world: AlertsWorld, subject: str) -> list[dict[str, Any]]:
    return [a for a in await world.alerts() if a["subject"] == subject]


async def test_an_excursion_raises_an_alert_naming_the_exposed_lots_and_resolves_when_it_ends(
    world: AlertsWorld,
) -> None:
    started = _started(str(uuid.uuid4()), x.ExcursionKind.TEMPERATURE_HIGH, 8.0, 11.5)
    await world.produce(EXCURSIONS, LOCATION, _event(started, x.STARTED))
    (alert,) = await world.until(lambda: _about(world, started.excursion_id))
    assert (alert["type"], alert["severity"], alert["status"]) == (
        "temperature_excursion",
        "critical",
        "raised",
    )
    assert (alert["location"], alert["warehouse"]) == (LOCATION, "WH1")
    assert alert["details"]["exposed_lots"] == [
        {"gtin": COLD, "lot": "EXP-A", "qty": 5},
        {"gtin": COLD, "lot": "EXP-B", "qty": 12},
    ]
    assert (alert["details"]["peak"], alert["details"]["limit"]) == (11.5, 8.0)
    at_location = await world.alerts(location=LOCATION, type="temperature_excursion")
    assert alert["alert_id"] in {a["alert_id"] for a in at_location}
    assert await world.alerts(location="WH1/COLD-A/01", type="temperature_excursion") == []

    await world.produce(EXCURSIONS, LOCATION, _event(_ended(started), x.ENDED))

    async def resolved() -> bool:
        return [a["status"] for a in await _about(world, started.excursion_id)] == ["resolved"]

    await world.until(resolved)

    await world.produce(EXCURSIONS, LOCATION, _event(started, x.STARTED))
    await world.sweep(world.clock.now())
    assert [a["status"] for a in await _about(world, started.excursion_id)] == ["resolved"]


async def test_a_humidity_excursion_raises_a_humidity_alert(world: AlertsWorld) -> None:
    started = _started(str(uuid.uuid4()), x.ExcursionKind.HUMIDITY_HIGH, 75.0, 81.0)
    await world.produce(EXCURSIONS, LOCATION, _event(started, x.STARTED))
    (alert,) = await world.until(lambda: _about(world, started.excursion_id))
    assert (alert["type"], alert["severity"]) == ("humidity_excursion", "warning")


QUIET_ROOM = "WH1/COLD-A/01"
"""No excursion is under way there, so the storage cadence applies."""


async def _read(world: AlertsWorld, sensor: str, at: Any) -> None:
    reading = {"sensor": sensor, "location": QUIET_ROOM, "at": at.isoformat(), "temperature_c": 5}
    response = await world.inventory.post(
        "/v1/telemetry/readings",
        json={"readings": [reading]},
        headers=SENSOR,
    )
    assert response.status_code == 202, response.text
    assert response.json()["refused"] == 0, response.text


async def _sensor_seen(world: AlertsWorld, sensor: str, at: Any) -> None:
    async def seen() -> bool:
        rows = await world.sql(
            "SELECT last_reading_at FROM sensors WHERE sensor = $1 AND registered", sensor
        )
        return bool(rows) and (rows[0]["last_reading_at"] or at - timedelta(days=1)) >= at

    await world.until(seen)


async def test_a_silent_sensor_raises_sensor_silent_and_resolves_when_it_reports_again(
    world: AlertsWorld,
) -> None:
    quiet, chatty = f"T-{uuid.uuid4().hex[:8]}", f"T-{uuid.uuid4().hex[:8]}"
    for sensor in (quiet, chatty):
        await register_sensor(world.inventory, ADMIN, sensor, QUIET_ROOM)
    now = world.clock.now()
    await _read(world, quiet, now - timedelta(minutes=31))
    await _read(world, chatty, now - timedelta(minutes=30))
    await _sensor_seen(world, quiet, now - timedelta(minutes=31))
    await _sensor_seen(world, chatty, now - timedelta(minutes=30))

    await world.sweep(now)
    (alert,) = await _about(world, quiet)
    assert (alert["type"], alert["status"], alert["warehouse"]) == (
        "sensor_silent",
        "raised",
        "WH1",
    )
    assert alert["details"]["silence_minutes"] == 30
    assert await _about(world, chatty) == []

    await _read(world, quiet, min(now, TODAY + timedelta(minutes=4)))

    async def resolved() -> bool:
        return [a["status"] for a in await _about(world, quiet)] == ["resolved"]

    await world.until(resolved)
