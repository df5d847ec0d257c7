"""Sensors (latest reading time only) and excursions as traceability published them.

Both are idempotent by construction: a sensor keeps the greatest reading time seen, and
an excursion once ended stays ended whatever duplicate of its start arrives later.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from lotledger.alerts.domain.facts import ExcursionRecord, SensorFacts
from lotledger.shared.contracts.excursions import ExcursionKind, ExposedLot
from lotledger.shared.db import json_param, json_value

_EXCURSION = (
    "SELECT excursion_id, location, kind, limit_value, started_at, peak, "
    "exposed_lots::text AS exposed_lots, ended_at FROM excursions "
)


_INSERT = (
    "INSERT INTO excursions (excursion_id, location, kind, limit_value, started_at, peak, "
    "exposed_lots, ended_at) VALUES ($1, $2, $3, $4, $5, $6, $7::text::jsonb, $8) "
    "ON CONFLICT (excursion_id) DO UPDATE SET peak = EXCLUDED.peak, "
    "exposed_lots = EXCLUDED.exposed_lots"
)
_SAVE_ENDED = _INSERT + ", ended_at = EXCLUDED.ended_at"
_SAVE_STARTED = _INSERT + " WHERE excursions.ended_at IS NULL"


def _excursion(row: Any) -> ExcursionRecord:
    return ExcursionRecord(
        row["excursion_id"],
        row["location"],
        ExcursionKind(row["kind"]),
        row["limit_value"],
        row["started_at"],
        row["peak"],
        tuple(ExposedLot.model_validate(e) for e in json_value(row["exposed_lots"])),
        row["ended_at"],
    )


class ClimateFactsStore:
    def __init__(self, conn: Any) -> None:
        self._conn = conn

    async def readings(self, latest: Mapping[str, tuple[str, datetime]]) -> None:
        """Record, per sensor, its location and latest reading time (never moving back)."""
        if not latest:
            return
        sensors = sorted(latest)
        await self._conn.execute(
            "INSERT INTO sensors (sensor, location, last_reading_at) "
            "SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[]) "
            "ON CONFLICT (sensor) DO UPDATE SET location = EXCLUDED.location, "
            "last_reading_at = EXCLUDED.last_reading_at "
            "WHERE sensors.last_reading_at < EXCLUDED.last_reading_at",
            sensors,
            [latest[s][0] for s in sensors],
            [latest[s][1] for s in sensors],
        )

    async def sensors(self, ids: Iterable[str] | None = None) -> list[SensorFacts]:
        query = "SELECT sensor, location, last_reading_at FROM sensors"
        if ids is None:
            rows = await self._conn.fetch(query + " ORDER BY sensor")
        else:
            rows = await self._conn.fetch(
                query + " WHERE sensor = ANY($1::text[]) ORDER BY sensor", sorted(set(ids))
            )
        return [SensorFacts(r["sensor"], r["location"], r["last_reading_at"]) for r in rows]

    async def save_excursion(self, record: ExcursionRecord) -> None:
        """An end overwrites what the start said; a start never reopens an ended one."""
        await self._conn.execute(
            _SAVE_ENDED if record.ended_at is not None else _SAVE_STARTED,
            record.excursion_id,
            record.location,
            record.kind.value,
            record.limit,
            record.started_at,
            record.peak,
            json_param([e.as_data() for e in record.exposed_lots]),
            record.ended_at,
        )

    async def excursions(self, ids: Iterable[str]) -> list[ExcursionRecord]:
        rows = await self._conn.fetch(
            _EXCURSION + "WHERE excursion_id = ANY($1::text[]) ORDER BY excursion_id",
            sorted(set(ids)),
        )
        return [_excursion(r) for r in rows]

    async def open_excursion_ids(self) -> list[str]:
        rows = await self._conn.fetch(
            "SELECT excursion_id FROM excursions WHERE ended_at IS NULL ORDER BY excursion_id"
        )
        return [r["excursion_id"] for r in rows]
