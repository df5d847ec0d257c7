"""The climate record as a GSP inspection reads it: one location, one climate (two sensors,
one excursion); the humidity default where a location sets none; a logger's buffer
uploaded two hours late revealing the excursion it holds, with the exposure of the lots
that were there and a detected_late mark; a range widened later, and a rebuild that still
finds the excursion judged against the range of its time."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from lotledger.shared.clock import ManualClock
from lotledger.traceability.bootstrap import run_rebuild
from lotledger.traceability.settings import TraceabilitySettings
from tests.integration.traceability.conftest import START, Settle
from tests.support.infra import Infra
from tests.support.kafka import read_topic
from tests.support.stock import SCANNER
from tests.support.tokens import bearer
from tests.support.world import COLD, COOL, LOCATIONS, SUPPLIER, fresh_lot, register_sensor

ADMIN = bearer("admin")
REGULATOR = bearer("regulator")
SENSOR = bearer("sensor", sub="gateway-7")
T = START + timedelta(days=20)


def at(minutes: float, base: datetime = T) -> datetime:
    return base + timedelta(minutes=minutes)


async def _room(api: httpx.AsyncClient, name: str, **changes: Any) -> str:
    location = f"WH1/{name}{fresh_lot('')}/01"
    body = {**LOCATIONS["WH1/COLD-A/01"], "name": f"room {name}", **changes}
    body = {k: v for k, v in body.items() if v is not None}
    response = await api.put(f"/v1/locations/{location}", json=body, headers=ADMIN)
    assert response.status_code == 201, response.text
    return location


async def _post_readings(api: httpx.AsyncClient, readings: list[dict[str, Any]]) -> None:
    response = await api.post("/v1/telemetry/readings", json={"readings": readings}, headers=SENSOR)
    assert response.status_code == 202, response.text
    assert response.json()["refused"] == 0, response.text


def _series(
    sensor: str, location: str, minutes: range, value: Any, base: datetime = T
) -> list[dict[str, Any]]:
    return [
        {
            "sensor": sensor,
            "location": location,
            "at": at(m, base).isoformat(),
            **(value(m) if callable(value) else value),
        }
        for m in minutes
    ]


async def _excursions(api: httpx.AsyncClient, location: str, schema: str = "") -> list[Any]:
    response = await api.get("/v1/excursions", params={"location": location}, headers=REGULATOR)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


@dataclass(frozen=True)
class LateLogger:
    room: str
    other: str
    logger: str
    lots: dict[str, str]


@pytest.fixture(scope="module")
async def late_logger(
    stock_api: httpx.AsyncClient, clock: ManualClock, settled: Settle
) -> LateLogger:
    """Lots A and B in a cold room watched by a gateway sensor reporting in range all
    along; B leaves 90 minutes before now. The room's data logger lost its link: at now
    it uploads its buffer, two hours of readings holding 30 minutes above 8 °C."""
    room, other = await _room(stock_api, "LL"), await _room(stock_api, "LO")
    gateway, logger = f"GW-{fresh_lot('')}", f"LOG-{fresh_lot('')}"
    for sensor in (gateway, logger):
        await register_sensor(stock_api, ADMIN, sensor, room, interval_minutes=5)
    clock.set(at(-180))
    lots = {name: fresh_lot(f"LL{name}") for name in "AB"}
    for lot in lots.values():
        receipt = {
            "gtin": COLD,
            "lot": lot,
            "expiry": "2028-03-31",
            "qty": 50,
            "location": room,
            "supplier": SUPPLIER,
        }
        assert (await stock_api.post("/v1/receipts", json=receipt, headers=SCANNER)).is_success
    clock.set(at(-90))
    move = {"gtin": COLD, "lot": lots["B"], "qty": 50, "from_location": room, "to_location": other}
    assert (await stock_api.post("/v1/moves", json=move, headers=SCANNER)).is_success
    clock.set(at(-5))
    await _post_readings(
        stock_api, _series(gateway, room, range(-180, -4, 5), {"temperature_c": 5.0})
    )
    await settled()
    clock.set(at(0))

    def buffered(m: int) -> dict[str, Any]:
        return {"temperature_c": 9.5 if -105 <= m < -75 else 5.0, "humidity_pct": 50.0}

    await _post_readings(stock_api, _series(logger, room, range(-120, -59, 5), buffered))
    await settled()
    return LateLogger(room, other, logger, lots)


async def test_a_buffer_uploaded_two_hours_late_reveals_its_excursion_marked_late(
    trace_api: httpx.AsyncClient, late_logger: LateLogger
) -> None:
    (found,) = await _excursions(trace_api, late_logger.room)
    assert (found["started_at"], found["ended_at"]) == (
        at(-105).isoformat().replace("+00:00", "Z"),
        at(-75).isoformat().replace("+00:00", "Z"),
    )
    assert (found["peak"], found["limit"], found["duration_minutes"]) == (9.5, 8.0, 30.0)
    assert (found["sensors"], found["detected_late"]) == ([late_logger.logger], True)
    detail = await trace_api.get(f"/v1/excursions/{found['excursion_id']}", headers=REGULATOR)
    exposed = {
        e["lot"]: (e["exposure_minutes"], e["max_qty"]) for e in detail.json()["exposed_lots"]
    }
    assert exposed == {late_logger.lots["A"]: (30.0, 50), late_logger.lots["B"]: (15.0, 50)}
    lot_b = await trace_api.get(
        f"/v1/lots/{COLD}/{late_logger.lots['B']}/excursions", headers=REGULATOR
    )
    assert [e["exposure_minutes"] for e in lot_b.json()["exposures"]] == [15.0]


async def test_the_late_excursion_is_published_started_and_ended_marked_late(
    migrated: Infra, late_logger: LateLogger
) -> None:
    messages = await read_topic(
        migrated.kafka_bootstrap,
        f"{migrated.topic_prefix}lotledger.excursions.v1",
        until=lambda ms: sum(m["_key"] == late_logger.room for m in ms) >= 2,
    )
    ours = [m for m in messages if m["_key"] == late_logger.room]
    assert [m["type"].split(".")[2] for m in ours] == ["started", "ended"]
    assert all(m["data"]["detected_late"] for m in ours)
    assert ours[1]["data"]["sensors"] == [late_logger.logger]
    exposed = {e["lot"]: e["exposure_minutes"] for e in ours[1]["data"]["exposed_lots"]}
    assert exposed == {late_logger.lots["A"]: 30.0, late_logger.lots["B"]: 15.0}


async def test_two_sensors_in_one_room_make_one_excursion_naming_both(
    stock_api: httpx.AsyncClient,
    trace_api: httpx.AsyncClient,
    clock: ManualClock,
    settled: Settle,
) -> None:
    room = await _room(stock_api, "TWO")
    door, back = f"DOOR-{fresh_lot('')}", f"BACK-{fresh_lot('')}"
    for sensor in (door, back):
        await register_sensor(stock_api, ADMIN, sensor, room, measures=["temperature"])
    base = T + timedelta(hours=6)
    for chunk in range(0, 60, 10):
        clock.set(at(chunk + 10, base))
        await _post_readings(
            stock_api,
            [
                *_series(
                    door,
                    room,
                    range(chunk, chunk + 10, 2),
                    lambda m: {"temperature_c": 9.0 if 10 <= m < 30 else 5.0},
                    base,
                ),
                *_series(
                    back,
                    room,
                    range(chunk + 1, chunk + 10, 2),
                    lambda m: {"temperature_c": 8.8 if 21 <= m < 41 else 6.0},
                    base,
                ),
            ],
        )
    await settled()
    (found,) = await _excursions(trace_api, room)
    assert (found["started_at"][:16], found["ended_at"][:16]) == (
        at(10, base).isoformat()[:16],
        at(41, base).isoformat()[:16],
    )
    assert (found["sensors"], found["peak"], found["detected_late"]) == (
        sorted([back, door]),
        9.0,
        False,
    )


async def test_a_sensor_reporting_late_from_the_instant_an_excursion_ended_leaves_it_whole(
    stock_api: httpx.AsyncClient,
    trace_api: httpx.AsyncClient,
    clock: ManualClock,
    settled: Settle,
) -> None:
    """The door sensor's excursion ends at minute 15. The back sensor's readings reach
    lotledger afterwards in two uploads, the second beginning at minute 15: the room is
    judged again from the latest instant it was in range, so the excursion keeps its
    start (and id) rather than gaining a second one opened at the door's held reading."""
    room = await _room(stock_api, "END")
    door, back = f"DOOR-{fresh_lot('')}", f"BACK-{fresh_lot('')}"
    for sensor in (door, back):
        await register_sensor(stock_api, ADMIN, sensor, room, measures=["temperature"])
    base = T + timedelta(hours=30)
    clock.set(at(40, base))
    warm = {"temperature_c": 5.0}
    door_readings = _series(
        door, room, range(0, 35, 5), lambda m: {"temperature_c": 9.5 if 5 <= m < 15 else 5.0}, base
    )
    await _post_readings(stock_api, door_readings)
    await settled()
    for minutes in (range(0, 15, 5), range(15, 35, 5)):
        await _post_readings(stock_api, _series(back, room, minutes, warm, base))
        await settled()
    (found,) = await _excursions(trace_api, room)
    assert (found["started_at"][:16], found["ended_at"][:16], found["readings"]) == (
        at(5, base).isoformat()[:16],
        at(15, base).isoformat()[:16],
        2,
    )
    assert found["sensors"] == [door]


async def test_a_wet_room_without_humidity_bounds_has_a_humidity_excursion(
    stock_api: httpx.AsyncClient,
    trace_api: httpx.AsyncClient,
    clock: ManualClock,
    settled: Settle,
) -> None:
    room = await _room(stock_api, "WET", humidity_min_pct=None, humidity_max_pct=None)
    sensor = f"RH-{fresh_lot('')}"
    await register_sensor(stock_api, ADMIN, sensor, room)
    base = T + timedelta(hours=12)
    clock.set(at(40, base))

    def wet(m: int) -> dict[str, Any]:
        return {"temperature_c": 5.0, "humidity_pct": 88.0 if 10 <= m < 25 else 55.0}

    await _post_readings(stock_api, _series(sensor, room, range(0, 40, 5), wet, base))
    await settled()
    (found,) = await _excursions(trace_api, room)
    assert (found["kind"], found["limit"], found["peak"], found["duration_minutes"]) == (
        "humidity_high",
        75.0,
        88.0,
        15.0,
    )
    climate = await trace_api.get(
        f"/v1/locations/{room}/climate",
        params={"from": at(0, base).isoformat(), "to": at(40, base).isoformat()},
        headers=REGULATOR,
    )
    (in_force,) = climate.json()["ranges"]
    assert (in_force["humidity_min_pct"], in_force["humidity_max_pct"]) == (35.0, 75.0)


async def test_a_range_widened_later_still_judges_the_old_excursion_after_a_rebuild(
    stock_api: httpx.AsyncClient,
    trace_api: httpx.AsyncClient,
    clock: ManualClock,
    settled: Settle,
    traceability_settings: TraceabilitySettings,
    migrated: Infra,
    capsys: pytest.CaptureFixture[str],
) -> None:
    base = T + timedelta(days=1)
    clock.set(base)
    room = await _room(stock_api, "RNG")
    sensor = f"RNG-{fresh_lot('')}"
    await register_sensor(stock_api, ADMIN, sensor, room, measures=["temperature"])
    clock.set(at(60, base))
    warm = _series(
        sensor,
        room,
        range(0, 60, 5),
        lambda m: {"temperature_c": 9.0 if 20 <= m < 40 else 5.0},
        base,
    )
    await _post_readings(stock_api, warm)
    clock.set(at(120, base))
    widened = {
        **LOCATIONS["WH1/COLD-A/01"],
        "name": "room RNG",
        "temp_max_c": 10.0,
        "storage_class": "cool",
        "temp_min_c": 2.0,
    }
    response = await stock_api.put(f"/v1/locations/{room}", json=widened, headers=ADMIN)
    assert response.status_code == 200, response.text
    clock.set(at(240, base))
    await _post_readings(
        stock_api, _series(sensor, room, range(180, 240, 5), {"temperature_c": 9.0}, base)
    )
    await settled()
    (live,) = await _excursions(trace_api, room)
    assert (live["limit"], live["started_at"][:16]) == (8.0, at(20, base).isoformat()[:16])

    assert await run_rebuild(traceability_settings, compare=True, wait_s=30) == 0
    out = capsys.readouterr().out
    assert "rebuild equals live" in out, out
    admin = await asyncpg.connect(migrated.admin_url())
    try:
        rebuilt = await admin.fetch(
            "SELECT limit_value, started_at FROM traceability_rebuild.excursions "
            "WHERE location = $1",
            room,
        )
    finally:
        await admin.close()
    assert [(r["limit_value"], r["started_at"]) for r in rebuilt] == [(8.0, at(20, base))]


def quantity_weighted_mkt(parts: list[tuple[float, float]]) -> float:
    """USP's MKT where each (temperature, weight) counts with its weight; for a lot held
    30/10 in two rooms at once, each room's temperature weighs its share of the lot."""
    total = sum(w for _, w in parts)
    mean = sum(w * math.exp(-10_000 / (t + 273.15)) for t, w in parts) / total
    return 10_000 / -math.log(mean) - 273.15


async def test_a_lot_split_across_two_rooms_has_the_quantity_weighted_mkt(
    stock_api: httpx.AsyncClient,
    trace_api: httpx.AsyncClient,
    clock: ManualClock,
    settled: Settle,
) -> None:
    base = T + timedelta(days=2)
    cold = await _room(stock_api, "MKTC")
    cool = await _room(stock_api, "MKTW", storage_class="cool", temp_min_c=8.0, temp_max_c=20.0)
    sensors = {cold: f"MC-{fresh_lot('')}", cool: f"MW-{fresh_lot('')}"}
    for room, sensor in sensors.items():
        await register_sensor(stock_api, ADMIN, sensor, room, measures=["temperature"])
    lot = fresh_lot("SPL")
    clock.set(at(0, base))
    receipt = {
        "gtin": COOL,
        "lot": lot,
        "expiry": "2028-03-31",
        "qty": 40,
        "location": cold,
        "supplier": SUPPLIER,
    }
    assert (await stock_api.post("/v1/receipts", json=receipt, headers=SCANNER)).is_success
    clock.set(at(120, base))
    move = {"gtin": COOL, "lot": lot, "qty": 10, "from_location": cold, "to_location": cool}
    response = await stock_api.post("/v1/moves", json=move, headers=SCANNER)
    assert response.status_code == 201, response.text
    clock.set(at(600, base))
    for room, value in ((cold, 5.0), (cool, 15.0)):
        every_half_hour = range(-10, 600, 30)
        series = _series(sensors[room], room, every_half_hour, {"temperature_c": value}, base)
        await _post_readings(stock_api, series)
    await settled()
    climate = await trace_api.get(f"/v1/lots/{COOL}/{lot}/excursions", headers=REGULATOR)
    expected = quantity_weighted_mkt([(5.0, 120.0), (5.0, 480 * 30 / 40), (15.0, 480 * 10 / 40)])
    assert climate.json()["mkt_c"] == pytest.approx(expected, abs=0.01)
