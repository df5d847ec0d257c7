"""The day's climate, as its sensors report it: every location's sensor within its range
at the start (the middle of it: a cool room tops at 15 °C), the cold room's door left open
in real time, and a data logger uploading two hours late the buffer it could not send."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

from lotledger_bench.generator.catalog import CATALOG

from demo.api import Api, DemoError, Report
from demo.day import COLD_ROOM, LOGGER, LOGGER_ROOM, Day, in_range, sensor_id


async def register_sensors(api: Api, today: date) -> int:
    """A sensor in every location and the logger; returns how many."""
    due = (today + timedelta(days=180)).isoformat()
    for location in CATALOG.locations:
        body = {"location": location.location_id, "calibration_due": due}
        path = f"/v1/sensors/{sensor_id(location.location_id)}"
        await api.ok("PUT", "inventory", path, "admin", json=body)
    logger = {"location": LOGGER_ROOM, "measures": ["temperature"], "calibration_due": due}
    await api.ok("PUT", "inventory", f"/v1/sensors/{LOGGER}", "admin", json=logger)
    return len(CATALOG.locations) + 1


async def readings(api: Api, locations: list[str], temperature: float | None = None) -> None:
    """A reading of each location's sensor now: `temperature`, else the middle of the
    location's range."""
    now = datetime.now(UTC)
    body = [
        {
            "sensor": sensor_id(location),
            "location": location,
            "at": now.isoformat(),
            "temperature_c": temperature if temperature is not None else in_range(location),
            "humidity_pct": 52.0,
        }
        for location in locations
    ]
    answer = await api.ok(
        "POST", "inventory", "/v1/telemetry/readings", "sensor", json={"readings": body}
    )
    if answer["refused"]:
        raise DemoError(f"readings refused: {answer['refusals']}")


async def open_door(
    api: Api, report: Report, day: Day, excursion_s: float, reading_interval_s: float
) -> None:
    """The cold room warms above 8 °C for about `excursion_s` and cools back, a reading
    every `reading_interval_s`, in real time."""
    steps = max(3, int(excursion_s / reading_interval_s))
    profile = (
        [5.2, 5.6] + [8.4 + 3.0 * min(i, steps - 1 - i) / steps for i in range(steps)] + [6.1, 5.3]
    )
    report(f"cold room {COLD_ROOM}: the door stays open (a reading every {reading_interval_s:g} s)")
    started = ended = None
    for temperature in profile:
        await readings(api, [COLD_ROOM], round(temperature, 1))
        if temperature > 8.0 and started is None:
            started = datetime.now(UTC)
        if temperature <= 8.0 and started is not None and ended is None:
            ended = datetime.now(UTC)
        report(f"  {COLD_ROOM} {temperature:4.1f} °C{'  above 8 °C' if temperature > 8 else ''}")
        await asyncio.sleep(reading_interval_s)
    if started is None or ended is None:
        raise DemoError("the excursion profile never left or never returned to the range")
    day.excursion_window = (started, ended)


async def late_logger(api: Api, report: Report, day: Day) -> None:
    """The logger of WH1/COLD-A/02 lost its link two hours and a quarter ago. Its buffer
    arrives now: a reading every 5 minutes until 35 minutes ago, 30 minutes of them above
    8 °C. The excursion enters the record at its own time, found late; and a logger that
    last reported 35 minutes ago is silent (GSP: every 30 minutes)."""
    now = datetime.now(UTC)
    start, warm_from, warm_to = now - timedelta(minutes=135), 25, 55
    buffer = [
        {
            "sensor": LOGGER,
            "location": LOGGER_ROOM,
            "at": (start + timedelta(minutes=m)).isoformat(),
            "temperature_c": 9.6 if warm_from <= m < warm_to else 5.4,
        }
        for m in range(0, 101, 5)
    ]
    answer = await api.ok(
        "POST", "inventory", "/v1/telemetry/readings", "sensor", json={"readings": buffer}
    )
    if answer["refused"]:
        raise DemoError(f"logger buffer refused: {answer['refusals']}")
    day.late_window = (start + timedelta(minutes=warm_from), start + timedelta(minutes=warm_to))
    report(
        f"data logger {LOGGER} in {LOGGER_ROOM} uploads its buffer two hours late: "
        f"{len(buffer)} readings, 30 minutes above 8 °C, the last 35 minutes ago"
    )
