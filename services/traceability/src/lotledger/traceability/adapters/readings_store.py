"""The climate record: every reading kept at its own time, keyed by (sensor, time) so a
duplicate is a no-op, with when lotledger received it; and, per location and metric, the
sensors that ever reported it there (so the readings holding at any instant are found
through the primary key, one sensor at a time). Read back as the detector's
observations, in (time, sensor) order."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from lotledger.shared.contracts.telemetry import Reading
from lotledger.shared.db import Driver, Row
from lotledger.traceability.adapters.records import ReadingRecord
from lotledger.traceability.domain.limits import Metric
from lotledger.traceability.domain.series import Observation

COLUMN = {Metric.TEMPERATURE: "temperature_c", Metric.HUMIDITY: "humidity_pct"}


def _observation(row: Row) -> Observation:
    return Observation(row["at"], row["sensor"], row["value"], row["recorded_at"])


class ReadingStore:
    def __init__(self, conn: Driver) -> None:
        self._conn = conn

    async def add(self, records: Sequence[ReadingRecord]) -> None:
        if not records:
            return
        readings = [r.reading for r in records]
        await self._conn.execute(
            "INSERT INTO readings (sensor, at, location, warehouse, temperature_c, humidity_pct, "
            "recorded_at) SELECT s, a, l, split_part(l, '/', 1), t, h, r FROM unnest($1::text[], "
            "$2::timestamptz[], $3::text[], $4::float8[], $5::float8[], $6::timestamptz[]) "
            "AS u(s, a, l, t, h, r) ON CONFLICT (sensor, at) DO NOTHING",
            [r.sensor for r in readings],
            [r.at for r in readings],
            [r.location for r in readings],
            [r.temperature_c for r in readings],
            [r.humidity_pct for r in readings],
            [r.recorded_at for r in records],
        )
        pairs = sorted(
            {(r.location, m.value, r.sensor) for r in readings for m in Metric if _has(r, m)}
        )
        await self._conn.execute(
            "INSERT INTO location_sensors (location, metric, sensor) "
            "SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING",
            [p[0] for p in pairs],
            [p[1] for p in pairs],
            [p[2] for p in pairs],
        )

    async def held_before(
        self, location: str, metric: Metric, before: datetime
    ) -> list[Observation]:
        """Each sensor's latest reading of `metric` at `location` before `before`."""
        column = COLUMN[metric]
        rows = await self._conn.fetch(
            f"SELECT r.* FROM location_sensors ls CROSS JOIN LATERAL (SELECT sensor, at, "  # noqa: S608
            f"{column} AS value, recorded_at FROM readings WHERE sensor = ls.sensor "
            f"AND at < $3 AND location = ls.location AND {column} IS NOT NULL "
            "ORDER BY at DESC LIMIT 1) r WHERE ls.location = $1 AND ls.metric = $2 "
            "ORDER BY r.at, r.sensor",
            location,
            metric.value,
            before,
        )
        return [_observation(r) for r in rows]

    async def since(
        self, location: str, metric: Metric, start: datetime | None
    ) -> list[Observation]:
        """Every reading of `metric` at `location` from `start` (None: all of them)."""
        column = COLUMN[metric]
        rows = await self._conn.fetch(
            f"SELECT sensor, at, {column} AS value, recorded_at FROM readings "  # noqa: S608
            f"WHERE location = $1 AND ($2::timestamptz IS NULL OR at >= $2) "
            f"AND {column} IS NOT NULL ORDER BY at, sensor",
            location,
            start,
        )
        return [_observation(r) for r in rows]

    async def retirements(self, location: str) -> list[Observation]:
        """The retirements of the location's sensors, as observations without a value."""
        rows = await self._conn.fetch(
            "SELECT sensor_id AS sensor, retired_at AS at, NULL::float8 AS value, "
            "NULL::timestamptz AS recorded_at FROM sensors WHERE location = $1 "
            "AND retired_at IS NOT NULL ORDER BY retired_at, sensor_id",
            location,
        )
        return [_observation(r) for r in rows]


def _has(reading: Reading, metric: Metric) -> bool:
    return getattr(reading, COLUMN[metric]) is not None
