"""GSP monitoring through the real path (inventory's registry and telemetry, the catalog
and excursion topics, the projector, the sweep on a moved clock): the 2-minute cadence
while a room is out of range, a stocked location no sensor watches, calibration overdue,
and an excursion found late alerted as such until a person resolves it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from lotledger.shared.contracts import excursions as x
from lotledger.shared.contracts.topics import EXCURSIONS
from lotledger.shared.envelope import CloudEvent
from tests.integration.alerts.steps import receive
from tests.integration.alerts.world import ADMIN, QA, TODAY, AlertsWorld, alerts_world, fresh_gtin
from tests.support.tokens import bearer
from tests.support.world import LOCATIONS, fresh_lot, register_sensor

SENSOR = bearer("sensor", warehouses=["WH1"], sub="gateway-9")


@pytest.fixture(scope="module")
async def world() -> AsyncIterator[AlertsWorld]:
    """A world of its own: these sweeps judge every sensor at instants ahead."""
    async with alerts_world() as private:
        yield private


async def _room(world: AlertsWorld, name: str) -> str:
    location = f"WH1/{name}{uuid.uuid4().hex[:6].upper()}/01"
    body = {**LOCATIONS["WH1/COLD-A/01"], "name": name}
    response = await world.inventory.put(f"/v1/locations/{location}", json=body, headers=ADMIN)
    assert response.status_code == 201, response.text
    return location


async def _about(world: AlertsWorld, subject: str) -> list[dict[str, Any]]:
    return [a for a in await world.alerts() if a["subject"] == subject]


async def _registered(world: AlertsWorld, sensor: str) -> bool:
    rows = await world.sql("SELECT registered FROM sensors WHERE sensor = $1", sensor)
    return bool(rows) and bool(rows[0]["registered"])


async def _read(world: AlertsWorld, sensor: str, location: str, value: float) -> None:
    reading = {
        "sensor": sensor,
        "location": location,
        "at": TODAY.isoformat(),
        "temperature_c": value,
    }
    response = await world.inventory.post(
        "/v1/telemetry/readings", json={"readings": [reading]}, headers=SENSOR
    )
    assert response.json()["refused"] == 0, response.text

    async def seen() -> bool:
        rows = await world.sql("SELECT last_reading_at FROM sensors WHERE sensor = $1", sensor)
        return bool(rows) and rows[0]["last_reading_at"] == TODAY

    await world.until(seen)


def _started(location: str, sensor: str, late: bool = False) -> x.ExcursionStarted:
    return x.ExcursionStarted(
        excursion_id=str(uuid.uuid4()),
        location=location,
        sensor=sensor,
        kind=x.ExcursionKind.TEMPERATURE_HIGH,
        limit=8.0,
        started_at=TODAY - timedelta(hours=2) if late else TODAY,
        peak=9.4,
        readings=3,
        sensors=[sensor],
        detected_late=late,
    )


def _event(payload: x.ExcursionStarted | x.ExcursionEnded, event_type: str) -> CloudEvent:
    return CloudEvent(
        id=uuid.uuid4(),
        source="/traceability/WH1",
        type=event_type,
        subject=payload.location,
        time=TODAY,
        data=payload.as_data(),
    )


async def test_a_sensor_silent_three_minutes_while_its_room_is_out_of_range_alerts(
    world: AlertsWorld,
) -> None:
    hot, calm = await _room(world, "HOT"), await _room(world, "CALM")
    in_hot, in_calm = f"S-{uuid.uuid4().hex[:6]}", f"S-{uuid.uuid4().hex[:6]}"
    await register_sensor(world.inventory, ADMIN, in_hot, hot, interval_minutes=5)
    await register_sensor(world.inventory, ADMIN, in_calm, calm, interval_minutes=5)
    await world.until(lambda: _registered(world, in_hot))
    await world.until(lambda: _registered(world, in_calm))
    await _read(world, in_hot, hot, 9.4)
    await _read(world, in_calm, calm, 5.0)
    started = _started(hot, in_hot)
    await world.produce(EXCURSIONS, hot, _event(started, x.STARTED))
    await world.until(lambda: _about(world, started.excursion_id))

    await world.sweep(TODAY + timedelta(minutes=2))
    assert await _about(world, in_hot) == []
    await world.sweep(TODAY + timedelta(minutes=3))
    (alert,) = await _about(world, in_hot)
    assert (alert["type"], alert["tier"], alert["status"]) == ("sensor_silent", "", "raised")
    assert (alert["details"]["cadence"], alert["details"]["silence_minutes"]) == (
        "out_of_range",
        2,
    )
    assert await _about(world, in_calm) == []


async def test_a_stocked_location_without_a_sensor_alerts_until_one_is_registered(
    world: AlertsWorld,
) -> None:
    bare = await _room(world, "BARE")
    gtin = fresh_gtin()
    response = await world.inventory.put(
        f"/v1/products/{gtin}",
        json={"name": "watched", "storage_class": "cold", "rx": True},
        headers=ADMIN,
    )
    assert response.status_code == 201, response.text
    await receive(world, gtin, fresh_lot("UW"), 10, "2027-09-30", location=bare)

    async def stocked() -> bool:
        return bool(await world.sql("SELECT 1 FROM lot_stock WHERE location = $1", bare))

    await world.until(stocked)
    await world.sweep(TODAY)
    (alert,) = await _about(world, bare)
    assert (alert["type"], alert["tier"], alert["severity"], alert["warehouses"]) == (
        "sensor_silent",
        "no_sensor",
        "critical",
        ["WH1"],
    )
    watcher = f"S-{uuid.uuid4().hex[:6]}"
    await register_sensor(world.inventory, ADMIN, watcher, bare)

    async def resolved() -> bool:
        return [a["status"] for a in await _about(world, bare)] == ["resolved"]

    await world.until(resolved)


async def test_a_sensor_past_its_calibration_date_alerts(world: AlertsWorld) -> None:
    room = await _room(world, "CAL")
    sensor = f"S-{uuid.uuid4().hex[:6]}"
    await register_sensor(world.inventory, ADMIN, sensor, room, calibration_due="2026-11-30")
    await world.until(lambda: _registered(world, sensor))
    await _read(world, sensor, room, 5.0)
    await world.sweep(TODAY + timedelta(minutes=1))
    assert [a["tier"] for a in await _about(world, sensor)] == []
    await world.sweep(TODAY + timedelta(days=7))
    tiers = {a["tier"]: a for a in await _about(world, sensor)}
    assert tiers["calibration"]["details"]["calibration_due"] == "2026-11-30"


async def test_an_excursion_found_late_is_alerted_as_late_and_stays_until_resolved(
    world: AlertsWorld,
) -> None:
    room = await _room(world, "LATE")
    started = _started(room, "LOG-LATE", late=True)
    ended = x.ExcursionEnded(
        **started.model_dump(exclude={"reopened_after"}),
        ended_at=TODAY - timedelta(hours=1, minutes=30),
        duration_minutes=30.0,
    )
    await world.produce(EXCURSIONS, room, _event(started, x.STARTED), _event(ended, x.ENDED))

    async def late_and_ended() -> list[dict[str, Any]] | None:
        found = await _about(world, started.excursion_id)
        return found if found and found[0]["details"]["ended_at"] else None

    (alert,) = await world.until(late_and_ended)
    assert (alert["type"], alert["tier"], alert["status"], alert["severity"]) == (
        "temperature_excursion",
        "late",
        "raised",
        "critical",
    )
    assert alert["details"]["detected_late"] is True
    await world.sweep(TODAY + timedelta(hours=1))
    assert [a["status"] for a in await _about(world, started.excursion_id)] == ["raised"]
    response = await world.api.post(f"/v1/alerts/{alert['alert_id']}/resolve", headers=QA)
    assert response.status_code == 200, response.text
    await world.sweep(TODAY + timedelta(hours=2))
    assert [a["status"] for a in await _about(world, started.excursion_id)] == ["resolved"]
