"""Readings, detector states and excursions as the projection writes them (bulk, on the
projection's transaction). A reading is keyed by (sensor, time): a duplicate is a no-op."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from lotledger.shared.contracts.telemetry import Reading
from lotledger.shared.db import json_param, json_value
from lotledger.traceability.domain.excursions import DetectorState, Excursion, StateKey
from lotledger.traceability.domain.limits import Metric
from lotledger.traceability.domain.residence import Interval


class ClimateStore:
    def __init__(self, conn: Any) -> None:
        self._conn = conn

    async def add_readings(self, readings: Sequence[Reading]) -> None:
        if not readings:
            return
        await self._conn.execute(
            "INSERT INTO readings (sensor, at, location, warehouse, temperature_c, humidity_pct) "
            "SELECT s, a, l, split_part(l, '/', 1), t, h FROM unnest($1::text[], "
            "$2::timestamptz[], $3::text[], $4::float8[], $5::float8[]) AS u(s, a, l, t, h) "
            "ON CONFLICT (sensor, at) DO NOTHING",
            [r.sensor for r in readings],
            [r.at for r in readings],
            [r.location for r in readings],
            [r.temperature_c for r in readings],
            [r.humidity_pct for r in readings],
        )

    async def readings_of(self, location: str) -> list[Reading]:
        """Every stored reading of `location`, per sensor in time order."""
        rows = await self._conn.fetch(
            "SELECT sensor, at, location, temperature_c, humidity_pct FROM readings "
            "WHERE location = $1 ORDER BY sensor, at",
            location,
        )
        return [Reading.model_validate(dict(r)) for r in rows]

    async def states(self, keys: Iterable[StateKey]) -> dict[StateKey, DetectorState]:
        wanted = sorted(keys)
        if not wanted:
            return {}
        rows = await self._conn.fetch(
            "SELECT state FROM detector_states WHERE (location, sensor, metric) IN "
            "(SELECT * FROM unnest($1::text[], $2::text[], $3::text[]))",
            [k[0] for k in wanted],
            [k[1] for k in wanted],
            [k[2].value for k in wanted],
        )
        found = (DetectorState.from_json(json_value(r["state"])) for r in rows)
        return {(s.location, s.sensor, s.metric): s for s in found}

    async def save_states(self, states: Sequence[DetectorState]) -> None:
        if not states:
            return
        await self._conn.execute(
            "INSERT INTO detector_states (location, sensor, metric, last_at, state) "
            "SELECT l, s, m, a, CAST(j AS jsonb) FROM unnest($1::text[], $2::text[], $3::text[], "
            "$4::timestamptz[], $5::text[]) AS u(l, s, m, a, j) "
            "ON CONFLICT (location, sensor, metric) DO UPDATE SET last_at = EXCLUDED.last_at, "
            "state = EXCLUDED.state, updated_at = now()",
            [s.location for s in states],
            [s.sensor for s in states],
            [s.metric.value for s in states],
            [s.last_at for s in states],
            [json_param(s.to_json()) for s in states],
        )

    async def save_excursions(self, excursions: Sequence[tuple[Metric, Excursion]]) -> None:
        if not excursions:
            return
        xs = [x for _, x in excursions]
        await self._conn.execute(
            "INSERT INTO excursions (excursion_id, location, warehouse, sensor, metric, kind, "
            "limit_value, started_at, ended_at, peak, readings) SELECT i, l, split_part(l, '/', 1),"
            " s, m, k, lv, sa, ea, p, r FROM unnest($1::uuid[], $2::text[], $3::text[], "
            "$4::text[], $5::text[], $6::float8[], $7::timestamptz[], $8::timestamptz[], "
            "$9::float8[], $10::int[]) AS u(i, l, s, m, k, lv, sa, ea, p, r) "
            "ON CONFLICT (excursion_id) DO UPDATE SET ended_at = EXCLUDED.ended_at, "
            "peak = EXCLUDED.peak, readings = EXCLUDED.readings",
            [x.excursion_id for x in xs],
            [x.location for x in xs],
            [x.sensor for x in xs],
            [m.value for m, _ in excursions],
            [x.kind.value for x in xs],
            [x.limit for x in xs],
            [x.started_at for x in xs],
            [x.ended_at for x in xs],
            [x.peak for x in xs],
            [x.readings for x in xs],
        )

    async def residence_at(self, location: str, start: datetime, end: datetime) -> list[Interval]:
        """Every interval at `location` touching `[start, end]` (both ends included, so an
        instant window still finds what was there): the stays there overlapping the window
        (GiST), then their intervals (the lot's primary key)."""
        rows = await self._conn.fetch(
            'SELECT r.gtin, r.lot, r.location, r.qty, r.start_at AS start, r.end_at AS "end", '
            "r.version FROM stays s JOIN residence r ON r.gtin = s.gtin AND r.lot = s.lot "
            "AND r.location = s.location AND r.start_at >= s.start_at AND r.start_at <= $3 "
            "AND (r.end_at IS NULL OR r.end_at >= $2) "
            "WHERE s.location = $1 AND s.period && tstzrange($2, $3, '[]') "
            "ORDER BY r.gtin, r.lot, r.version",
            location,
            start,
            end,
        )
        return [Interval(**dict(r)) for r in rows]
