"""Issue #4's excursion: readings above 8 °C for 45 minutes in a cold room holding lot A,
lot B moved in halfway through, lot C moved out before; exposure, published events, MKT
of the room's window and of each lot's stay."""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from lotledger.shared.clock import ManualClock
from lotledger.shared.urls import lot_segment
from tests.integration.traceability.conftest import START, Settle
from tests.integration.traceability.epcis_schema import schema_errors
from tests.support.infra import Infra
from tests.support.kafka import read_topic
from tests.support.stock import SCANNER
from tests.support.tokens import bearer
from tests.support.world import COLD, LOCATIONS, SUPPLIER, fresh_lot, register_sensor

REGULATOR = bearer("regulator")
SENSOR = bearer("sensor", sub="gateway-1", device="gw-1")
T = START + timedelta(days=1)
COOL, WARM = 5.0, 9.5


def at(minute: float) -> datetime:
    return T + timedelta(minutes=minute)


def temperature(minute: int) -> float:
    return WARM if 0 <= minute < 45 else COOL


def independent_mkt(weighted: list[tuple[float, float]]) -> float:
    """USP <1160>: T = (ΔH/R) / −ln(Σ w·e^(−ΔH/(R·T)) / Σ w), in °C; (temperature, weight)."""
    total = sum(w for _, w in weighted)
    mean = sum(w * math.exp(-10_000 / (t + 273.15)) for t, w in weighted) / total
    return 10_000 / -math.log(mean) - 273.15


@dataclass(frozen=True)
class Room:
    room: str
    other: str
    sensor: str
    lots: dict[str, str]


async def _register(stock_api: httpx.AsyncClient, location: str) -> None:
    body = {**LOCATIONS["WH1/COLD-A/01"], "name": f"cold room {location}"}
    response = await stock_api.put(f"/v1/locations/{location}", json=body, headers=bearer("admin"))
    assert response.status_code in (200, 201), response.text


async def _post(stock_api: httpx.AsyncClient, path: str, body: dict[str, Any]) -> None:
    response = await stock_api.post(path, json=body, headers=SCANNER)
    assert response.status_code == 201, response.text


@pytest.fixture(scope="module")
async def room(stock_api: httpx.AsyncClient, clock: ManualClock, settled: Settle) -> Room:
    tag = fresh_lot("R")
    scenario = Room(f"WH1/CR{tag}/01", f"WH1/CR{tag}/02", f"TEMP-{tag}", {})
    for location in (scenario.room, scenario.other):
        await _register(stock_api, location)
    await register_sensor(stock_api, bearer("admin"), scenario.sensor, scenario.room)
    clock.set(at(-120))
    for name, first in (("A", scenario.room), ("B", scenario.other), ("C", scenario.room)):
        scenario.lots[name] = fresh_lot(f"X{name}")
        receipt = {
            "gtin": COLD,
            "lot": scenario.lots[name],
            "expiry": "2028-01-31",
            "qty": 50,
            "location": first,
            "supplier": SUPPLIER,
        }
        await _post(stock_api, "/v1/receipts", receipt)
    for minute, name, source, target in (
        (-10, "C", scenario.room, scenario.other),
        (22.5, "B", scenario.other, scenario.room),
    ):
        clock.set(at(minute))
        move = {"gtin": COLD, "lot": scenario.lots[name], "qty": 50}
        await _post(
            stock_api, "/v1/moves", {**move, "from_location": source, "to_location": target}
        )
    await settled()
    clock.set(at(95))
    readings = [
        {
            "sensor": scenario.sensor,
            "location": scenario.room,
            "at": at(m).isoformat(),
            "temperature_c": temperature(m),
        }
        for m in range(-30, 95, 5)
    ]
    response = await stock_api.post(
        "/v1/telemetry/readings", json={"readings": readings}, headers=SENSOR
    )
    assert response.status_code == 202, response.text
    await settled()
    return scenario


async def _lot_climate(api: httpx.AsyncClient, lot: str) -> dict[str, Any]:
    response = await api.get(f"/v1/lots/{COLD}/{lot_segment(lot)}/excursions", headers=REGULATOR)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_exposure_follows_who_was_in_the_room(
    trace_api: httpx.AsyncClient, room: Room
) -> None:
    exposures = {
        name: [
            (e["exposure_minutes"], e["max_qty"])
            for e in (await _lot_climate(trace_api, lot))["exposures"]
        ]
        for name, lot in room.lots.items()
    }
    assert exposures == {"A": [(45.0, 50)], "B": [(22.5, 50)], "C": []}


async def test_the_excursion_is_recorded_with_kind_peak_and_duration(
    trace_api: httpx.AsyncClient, room: Room
) -> None:
    response = await trace_api.get(
        "/v1/excursions", params={"location": room.room}, headers=REGULATOR
    )
    (excursion,) = response.json()["items"]
    assert excursion["kind"] == "temperature_high"
    assert (excursion["limit"], excursion["peak"], excursion["readings"]) == (8.0, WARM, 9)
    assert (excursion["duration_minutes"], excursion["open"]) == (45.0, False)
    assert excursion["started_at"].startswith(at(0).isoformat()[:19])
    none_open = await trace_api.get(
        "/v1/excursions", params={"location": room.room, "open": True}, headers=REGULATOR
    )
    assert none_open.json()["items"] == []
    before = await trace_api.get(
        "/v1/excursions",
        params={"location": room.room, "from": at(-60).isoformat(), "to": at(-1).isoformat()},
        headers=REGULATOR,
    )
    assert before.json()["items"] == []


async def test_one_excursion_lists_the_lots_exposed_to_it(
    trace_api: httpx.AsyncClient, room: Room
) -> None:
    listed = await trace_api.get(
        "/v1/excursions", params={"location": room.room}, headers=REGULATOR
    )
    (excursion,) = listed.json()["items"]
    response = await trace_api.get(f"/v1/excursions/{excursion['excursion_id']}", headers=REGULATOR)
    assert response.status_code == 200, response.text
    detail = response.json()
    assert {k: detail[k] for k in excursion} == excursion
    exposed = {(e["lot"], e["exposure_minutes"], e["max_qty"]) for e in detail["exposed_lots"]}
    assert exposed == {(room.lots["A"], 45.0, 50), (room.lots["B"], 22.5, 50)}
    elsewhere = await trace_api.get(
        f"/v1/excursions/{excursion['excursion_id']}",
        headers=bearer("regulator", warehouses=["WH2"]),
    )
    assert elsewhere.status_code == 403
    unknown = await trace_api.get(
        "/v1/excursions/00000000-0000-0000-0000-000000000000", headers=REGULATOR
    )
    assert (unknown.status_code, unknown.json()["type"]) == (
        404,
        "urn:lotledger:problem:unknown-excursion",
    )


async def test_started_and_ended_reach_kafka_with_exposed_lots(migrated: Infra, room: Room) -> None:
    topic = f"{migrated.topic_prefix}lotledger.excursions.v1"
    messages = await read_topic(
        migrated.kafka_bootstrap,
        topic,
        until=lambda ms: sum(m["_key"] == room.room for m in ms) >= 2,
    )
    started, ended = [m for m in messages if m["_key"] == room.room]
    assert [started["type"], ended["type"]] == [
        "lotledger.excursion.started.v1",
        "lotledger.excursion.ended.v1",
    ]
    assert started["data"]["excursion_id"] == ended["data"]["excursion_id"]
    assert (ended["data"]["duration_minutes"], ended["data"]["sensor"]) == (45.0, room.sensor)
    exposed = {e["lot"]: e["exposure_minutes"] for e in ended["data"]["exposed_lots"]}
    assert exposed == {room.lots["A"]: 45.0, room.lots["B"]: 22.5}
    at_start = {e["lot"]: e["qty"] for e in started["data"]["exposed_lots"]}
    assert at_start == {room.lots["A"]: 50}


async def test_mkt_of_the_room_window_and_of_each_lot_stay(
    trace_api: httpx.AsyncClient, room: Room
) -> None:
    response = await trace_api.get(
        f"/v1/locations/{room.room}/climate",
        params={"from": at(-30).isoformat(), "to": at(90).isoformat()},
        headers=REGULATOR,
    )
    climate = response.json()
    assert (climate["readings_count"], climate["truncated"]) == (24, False)
    assert (climate["temperature_min_c"], climate["temperature_max_c"]) == (COOL, WARM)
    window = independent_mkt([(COOL, 30), (WARM, 45), (COOL, 45)])
    assert climate["mkt_c"] == pytest.approx(window, abs=0.01)

    a = await _lot_climate(trace_api, room.lots["A"])
    assert a["mkt_c"] == pytest.approx(
        independent_mkt([(COOL, 30), (WARM, 45), (COOL, 50)]), abs=0.01
    )
    b = await _lot_climate(trace_api, room.lots["B"])
    assert b["mkt_c"] == pytest.approx(independent_mkt([(WARM, 22.5), (COOL, 50)]), abs=0.01)
    c = await _lot_climate(trace_api, room.lots["C"])
    assert c["mkt_c"] == pytest.approx(COOL, abs=1e-9)


async def test_constant_temperature_gives_that_temperature(
    trace_api: httpx.AsyncClient, room: Room
) -> None:
    response = await trace_api.get(
        f"/v1/locations/{room.room}/climate",
        params={"from": at(50).isoformat(), "to": at(90).isoformat(), "limit": 2},
        headers=REGULATOR,
    )
    climate = response.json()
    assert climate["mkt_c"] == pytest.approx(COOL, abs=1e-9)
    assert (len(climate["readings"]), climate["truncated"]) == (2, True)


async def test_an_exposed_lot_exports_the_excursion_as_sensor_data(
    trace_api: httpx.AsyncClient, room: Room
) -> None:
    response = await trace_api.get(
        f"/v1/lots/{COLD}/{lot_segment(room.lots['B'])}/epcis", headers=REGULATOR
    )
    document = response.json()
    assert schema_errors(document) == []
    (sensor,) = [
        e for e in document["epcisBody"]["eventList"] if e["bizStep"] == "sensor_reporting"
    ]
    assert sensor["lotledger:exposureMinutes"] == 22.5
    report = sensor["sensorElementList"][0]["sensorReport"][0]
    assert (report["type"], report["maxValue"], report["exception"]) == (
        "Temperature",
        WARM,
        "ALARM_CONDITION",
    )
