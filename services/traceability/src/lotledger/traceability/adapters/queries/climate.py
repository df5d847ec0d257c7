"""Excursions, readings and locations for the climate views."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from lotledger.shared.db import Driver, Row
from lotledger.traceability.adapters.climate_store import excursion_of
from lotledger.traceability.adapters.queries.session import Filters
from lotledger.traceability.domain.excursion import Excursion
from lotledger.traceability.domain.mkt import TemperatureReading
from lotledger.traceability.domain.residence import Interval


@dataclass(frozen=True)
class ExcursionFilter:
    location: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    open: bool | None = None
    warehouses: Sequence[str] | None = None


async def excursions(conn: Driver, f: ExcursionFilter, limit: int, offset: int) -> list[Excursion]:
    q = Filters()
    if f.location is not None:
        q.add("location = {}", f.location)
    if f.start is not None or f.end is not None:
        q.add("period && tstzrange({}, {})", f.start, f.end)
    if f.open is not None:
        q.add("(ended_at IS NULL) = {}", f.open)
    if f.warehouses is not None:
        q.add("warehouse = ANY({}::text[])", list(f.warehouses))
    where = q.where()
    page = q.page(limit, offset)
    sql = f"SELECT * FROM excursions{where} ORDER BY started_at DESC, excursion_id{page}"  # noqa: S608
    return [excursion_of(r) for r in await conn.fetch(sql, *q.args)]


async def lot_excursions(conn: Driver, gtin: str, lot: str) -> list[Excursion]:
    """Excursions at any location while the lot had stock there."""
    rows = await conn.fetch(
        "SELECT DISTINCT e.* FROM excursions e JOIN stays s ON s.location = e.location "
        "AND s.period && e.period WHERE s.gtin = $1 AND s.lot = $2 ORDER BY e.started_at",
        gtin,
        lot,
    )
    return [excursion_of(r) for r in rows]


async def excursion(conn: Driver, excursion_id: UUID) -> Excursion | None:
    row = await conn.fetchrow("SELECT * FROM excursions WHERE excursion_id = $1", excursion_id)
    return None if row is None else excursion_of(row)


async def intervals_during(
    conn: Driver, location: str, start: datetime, end: datetime | None
) -> list[Interval]:
    """Every residence interval at `location` of the lots that stayed there during
    `[start, end]` (stays found by their period index, then their intervals there)."""
    rows = await conn.fetch(
        'SELECT r.gtin, r.lot, r.location, r.qty, r.start_at AS start, r.end_at AS "end", '
        "r.version FROM (SELECT DISTINCT gtin, lot FROM stays WHERE location = $1 "
        "AND period && tstzrange($2, $3, '[]')) s JOIN residence r ON r.gtin = s.gtin "
        "AND r.lot = s.lot AND r.location = $1 ORDER BY r.gtin, r.lot, r.version",
        location,
        start,
        end,
    )
    return [Interval(**dict(r)) for r in rows]


async def readings(conn: Driver, location: str, start: datetime, end: datetime) -> list[Row]:
    """Readings in `[start, end)` in time order, led by the latest one before `start`
    (it holds into the window for MKT)."""
    return list(
        await conn.fetch(
            "(SELECT at, sensor, temperature_c, humidity_pct FROM readings "
            "WHERE location = $1 AND at < $2 ORDER BY at DESC LIMIT 1) UNION ALL "
            "(SELECT at, sensor, temperature_c, humidity_pct FROM readings "
            "WHERE location = $1 AND at >= $2 AND at < $3 ORDER BY at)",
            location,
            start,
            end,
        )
    )


async def temperatures(
    conn: Driver, spans: Iterable[tuple[str, datetime, datetime]]
) -> dict[str, list[TemperatureReading]]:
    """Per location, the temperatures holding during the given spans (each span's own
    readings plus the one before it), in time order, each reading once."""
    spans = list(spans)
    if not spans:
        return {}
    rows = await conn.fetch(
        "SELECT DISTINCT s.location, t.at, t.temperature_c FROM unnest($1::text[], "
        "$2::timestamptz[], $3::timestamptz[]) AS s(location, start_at, end_at) "
        "CROSS JOIN LATERAL ((SELECT at, temperature_c FROM readings WHERE location = s.location "
        "AND at < s.start_at AND temperature_c IS NOT NULL ORDER BY at DESC LIMIT 1) UNION ALL "
        "(SELECT at, temperature_c FROM readings WHERE location = s.location "
        "AND at >= s.start_at AND at < s.end_at AND temperature_c IS NOT NULL)) AS t "
        "ORDER BY s.location, t.at",
        [s[0] for s in spans],
        [s[1] for s in spans],
        [s[2] for s in spans],
    )
    found: dict[str, list[TemperatureReading]] = {}
    for r in rows:
        found.setdefault(r["location"], []).append(TemperatureReading(r["at"], r["temperature_c"]))
    return found


async def location(conn: Driver, location_id: str) -> Row | None:
    return await conn.fetchrow("SELECT * FROM locations WHERE location_id = $1", location_id)


async def zones(conn: Driver, location_ids: Iterable[str]) -> dict[str, str]:
    rows = await conn.fetch(
        "SELECT location_id, timezone FROM locations WHERE location_id = ANY($1::text[])",
        sorted(set(location_ids)),
    )
    return {r["location_id"]: r["timezone"] for r in rows}
