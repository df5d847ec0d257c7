"""An offline receipt scanned two hours before it was synced (docs/adr/0012): the trace
lists it where it happened, stock as of then holds it, it is exposed to the excursion the
room went through meanwhile, and its EPCIS event's eventTime is the scan and recordTime
the sync; residence and stays are those a projection in time order gives, and a rebuild
gives the same."""

from datetime import datetime, timedelta
from typing import Any

import httpx

from lotledger.shared.clock import ManualClock
from lotledger.shared.urls import lot_segment
from tests.integration.traceability.conftest import START, Settle
from tests.integration.traceability.epcis_schema import schema_errors
from tests.support.stock import SCANNER
from tests.support.tokens import bearer
from tests.support.world import COLD, LOCATIONS, SUPPLIER, fresh_lot, register_sensor

REGULATOR = bearer("regulator")
SENSOR = bearer("sensor", sub="gateway-2", device="gw-2")
T = START + timedelta(days=3)


def at(minute: float) -> datetime:
    return T + timedelta(minutes=minute)


def _receipt(lot: str, location: str, qty: int, scanned: datetime | None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "gtin": COLD,
        "lot": lot,
        "expiry": "2028-01-31",
        "qty": qty,
        "location": location,
        "supplier": SUPPLIER,
    }
    return body if scanned is None else {**body, "scanned_at": scanned.isoformat()}


async def test_an_offline_receipt_takes_its_place_in_time(
    stock_api: httpx.AsyncClient,
    trace_api: httpx.AsyncClient,
    clock: ManualClock,
    settled: Settle,
) -> None:
    tag = fresh_lot("D")
    room, other = f"WH1/DT{tag}/01", f"WH1/DT{tag}/02"
    for location in (room, other):
        body = {**LOCATIONS["WH1/COLD-A/01"], "name": f"cold room {location}"}
        put = await stock_api.put(f"/v1/locations/{location}", json=body, headers=bearer("admin"))
        assert put.status_code in (200, 201), put.text
    await register_sensor(stock_api, bearer("admin"), f"TEMP-{tag}", room)
    clock.set(at(-150))
    readings = [
        {
            "sensor": f"TEMP-{tag}",
            "location": room,
            "at": at(m).isoformat(),
            "temperature_c": 9.5 if -130 <= m < -100 else 5.0,
        }
        for m in range(-150, -60, 5)
    ]
    clock.set(at(-60))
    posted = await stock_api.post(
        "/v1/telemetry/readings", json={"readings": readings}, headers=SENSOR
    )
    assert posted.status_code == 202, posted.text
    assert posted.json()["refused"] == 0, posted.text
    lot = fresh_lot("OFF")
    clock.set(at(-30))
    online = await stock_api.post(
        "/v1/receipts", json=_receipt(lot, other, 10, None), headers=SCANNER
    )
    assert online.status_code == 201, online.text
    await settled()

    clock.set(at(0))
    offline = await stock_api.post(
        "/v1/receipts", json=_receipt(lot, room, 40, at(-120)), headers=SCANNER
    )
    assert offline.status_code == 201, offline.text
    await settled()

    trace = (
        await trace_api.get(f"/v1/lots/{COLD}/{lot_segment(lot)}/trace", headers=REGULATOR)
    ).json()
    steps = [
        (s["version"], s["location"], s["at"][:16], s["recorded_at"][:16]) for s in trace["path"]
    ]
    assert steps == [
        (2, room, at(-120).isoformat()[:16], at(0).isoformat()[:16]),
        (1, other, at(-30).isoformat()[:16], at(-30).isoformat()[:16]),
    ]

    async def held(instant: datetime) -> dict[str, int]:
        response = await trace_api.get(
            "/v1/stock/as-of", params={"at": instant.isoformat(), "gtin": COLD}, headers=REGULATOR
        )
        assert response.status_code == 200, response.text
        return {x["location"]: x["qty"] for x in response.json()["items"] if x["lot"] == lot}

    assert await held(at(-125)) == {}
    assert await held(at(-110)) == {room: 40}
    assert await held(at(-10)) == {room: 40, other: 10}

    climate = (
        await trace_api.get(f"/v1/lots/{COLD}/{lot_segment(lot)}/excursions", headers=REGULATOR)
    ).json()
    assert [(e["exposure_minutes"], e["max_qty"]) for e in climate["exposures"]] == [(20.0, 40)]

    document = (
        await trace_api.get(f"/v1/lots/{COLD}/{lot_segment(lot)}/epcis", headers=REGULATOR)
    ).json()
    assert schema_errors(document) == []
    receipts = [e for e in document["epcisBody"]["eventList"] if e.get("bizStep") == "receiving"]
    first = receipts[0]
    assert first["lotledger:streamVersion"] == 2
    assert datetime.fromisoformat(first["eventTime"]) == at(-120)
    assert datetime.fromisoformat(first["recordTime"]) == at(0)
    assert first["eventTime"] != first["recordTime"]
