"""Sensors (the registry's record and the latest reading time), what watches each
location holding stock, and excursions as traceability published them.

All idempotent by construction: a sensor keeps the greatest reading time seen and the
registry record of the highest catalog version; an excursion takes what its latest
event says (events of one location arrive in order), and a withdrawn one stays withdrawn.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from lotledger.alerts.domain.climate_facts import ExcursionRecord, LocationWatch, SensorFacts
from lotledger.shared.contracts.catalog import Sensor, SensorStatus
from lotledger.shared.contracts.excursions import ExcursionKind, ExposedLot
from lotledger.shared.db import Driver, Row, json_param, json_value

_EXCURSION = (
    "SELECT excursion_id, location, kind, limit_value, started_at, peak, "
    "exposed_lots::text AS exposed_lots, ended_at, sensors, detected_late, withdrawn "
    "FROM excursions "
)
_SAVE = (
    "INSERT INTO excursions (excursion_id, location, kind, limit_value, started_at, peak, "
    "exposed_lots, ended_at, sensors, detected_late) VALUES ($1, $2, $3, $4, $5, $6, "
    "$7::text::jsonb, $8, $9, $10) ON CONFLICT (excursion_id) DO UPDATE SET "
    "peak = EXCLUDED.peak, exposed_lots = EXCLUDED.exposed_lots, ended_at = EXCLUDED.ended_at, "
    "sensors = EXCLUDED.sensors, detected_late = EXCLUDED.detected_late "
    "WHERE NOT excursions.withdrawn"
)
_UNLESS_ENDED = " AND (excursions.ended_at IS NULL OR $11)"
_SENSOR = (
    "SELECT sensor, location, last_reading_at, registered, active, interval_minutes, "
    "measures, calibration_due, registered_at FROM sensors"
)


def _excursion(row: Row) -> ExcursionRecord:
    return ExcursionRecord(
        row["excursion_id"],
        row["location"],
        ExcursionKind(row["kind"]),
        row["limit_value"],
        row["started_at"],
        row["peak"],
        tuple(ExposedLot.model_validate(e) for e in json_value(row["exposed_lots"])),
        row["ended_at"],
        tuple(row["sensors"]),
        row["detected_late"],
        row["withdrawn"],
    )


def _sensor(r: Row) -> SensorFacts:
    return SensorFacts(
        r["sensor"],
        r["location"],
        r["last_reading_at"],
        r["registered"],
        r["active"],
        r["interval_minutes"],
        tuple(r["measures"]),
        r["calibration_due"],
        r["registered_at"],
    )


class ClimateFactsStore:
    def __init__(self, conn: Driver) -> None:
        self._conn = conn

    async def readings(self, latest: Mapping[str, tuple[str, datetime]]) -> None:
        """Record, per sensor, its latest reading time (never moving back); a sensor the
        registry has not described yet is kept with the reading's location."""
        if not latest:
            return
        sensors = sorted(latest)
        await self._conn.execute(
            "INSERT INTO sensors (sensor, location, last_reading_at) "
            "SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[]) "
            "ON CONFLICT (sensor) DO UPDATE SET last_reading_at = EXCLUDED.last_reading_at "
            "WHERE sensors.last_reading_at IS NULL "
            "OR sensors.last_reading_at < EXCLUDED.last_reading_at",
            sensors,
            [latest[s][0] for s in sensors],
            [latest[s][1] for s in sensors],
        )

    async def save_sensor(self, sensor: Sensor, version: int) -> bool:
        """Store the registry's record unless one of this or a later version is stored;
        returns whether anything changed."""
        status = await self._conn.execute(
            "INSERT INTO sensors (sensor, location, registered, active, interval_minutes, "
            "measures, calibration_due, registered_at, version) VALUES ($1, $2, true, $3, $4, "
            "$5, $6, $7, $8) ON CONFLICT (sensor) DO UPDATE SET location = EXCLUDED.location, "
            "registered = true, active = EXCLUDED.active, "
            "interval_minutes = EXCLUDED.interval_minutes, measures = EXCLUDED.measures, "
            "calibration_due = EXCLUDED.calibration_due, "
            "registered_at = EXCLUDED.registered_at, version = EXCLUDED.version "
            "WHERE sensors.version < EXCLUDED.version",
            sensor.sensor_id,
            sensor.location,
            sensor.status is SensorStatus.ACTIVE,
            sensor.interval_minutes,
            [m.value for m in sensor.measures],
            sensor.calibration_due,
            sensor.registered_at,
            version,
        )
        return bool(status.endswith(" 1"))

    async def sensors(self, ids: Iterable[str] | None = None) -> list[SensorFacts]:
        if ids is None:
            rows = await self._conn.fetch(_SENSOR + " ORDER BY sensor")
        else:
            rows = await self._conn.fetch(
                _SENSOR + " WHERE sensor = ANY($1::text[]) ORDER BY sensor", sorted(set(ids))
            )
        return [_sensor(r) for r in rows]

    async def sensors_at(self, locations: Iterable[str]) -> list[str]:
        rows = await self._conn.fetch(
            "SELECT sensor FROM sensors WHERE location = ANY($1::text[]) ORDER BY sensor",
            sorted(set(locations)),
        )
        return [r["sensor"] for r in rows]

    async def out_of_range(self, locations: Iterable[str]) -> set[str]:
        """The `locations` with an excursion under way."""
        rows = await self._conn.fetch(
            "SELECT DISTINCT location FROM excursions WHERE location = ANY($1::text[]) "
            "AND ended_at IS NULL AND NOT withdrawn",
            sorted(set(locations)),
        )
        return {r["location"] for r in rows}

    async def stocked_locations(self) -> list[str]:
        rows = await self._conn.fetch("SELECT DISTINCT location FROM lot_stock ORDER BY location")
        return [r["location"] for r in rows]

    async def watches(self, locations: Iterable[str]) -> list[LocationWatch]:
        rows = await self._conn.fetch(
            "SELECT l.id AS location, c.kind, "
            "(SELECT coalesce(sum(qty), 0) FROM lot_stock WHERE location = l.id) AS on_hand, "
            "(SELECT count(*) FROM sensors WHERE location = l.id AND registered AND active "
            "AND 'temperature' = ANY(measures)) AS sensors "
            "FROM unnest($1::text[]) AS l(id) LEFT JOIN locations c ON c.location_id = l.id "
            "ORDER BY l.id",
            sorted(set(locations)),
        )
        return [
            LocationWatch(r["location"], r["kind"], int(r["on_hand"]), int(r["sensors"]))
            for r in rows
        ]

    async def save_excursion(self, record: ExcursionRecord, reopens: bool = False) -> None:
        """What the latest event says, unless the excursion was withdrawn; a start leaves
        an ended excursion ended (a duplicate) unless it `reopens` it."""
        await self._conn.execute(
            _SAVE + ("" if record.ended_at is not None else _UNLESS_ENDED),
            record.excursion_id,
            record.location,
            record.kind.value,
            record.limit,
            record.started_at,
            record.peak,
            json_param([e.as_data() for e in record.exposed_lots]),
            record.ended_at,
            list(record.sensors),
            record.detected_late,
            *(() if record.ended_at is not None else (reopens,)),
        )

    async def withdraw(self, excursion_id: str) -> None:
        await self._conn.execute(
            "UPDATE excursions SET withdrawn = true WHERE excursion_id = $1", excursion_id
        )

    async def excursions(self, ids: Iterable[str]) -> list[ExcursionRecord]:
        rows = await self._conn.fetch(
            _EXCURSION + "WHERE excursion_id = ANY($1::text[]) ORDER BY excursion_id",
            sorted(set(ids)),
        )
        return [_excursion(r) for r in rows]

    async def open_excursion_ids(self) -> list[str]:
        rows = await self._conn.fetch(
            "SELECT excursion_id FROM excursions WHERE ended_at IS NULL AND NOT withdrawn "
            "ORDER BY excursion_id"
        )
        return [r["excursion_id"] for r in rows]
