"""Detector states and excursions as the projection writes them (bulk, on the
projection's transaction), and the residence the published events name."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from lotledger.shared.contracts.excursions import ExcursionKind
from lotledger.shared.db import Driver, Row, json_param, json_value
from lotledger.traceability.domain.excursion import Excursion
from lotledger.traceability.domain.limits import METRIC_OF, Metric, kinds_of
from lotledger.traceability.domain.residence import Interval
from lotledger.traceability.domain.series import SeriesKey, SeriesState


class ClimateStore:
    def __init__(self, conn: Driver) -> None:
        self._conn = conn

    async def lock_locations(self, locations: Iterable[str]) -> None:
        """Serialise climate work on `locations` until the transaction ends (advisory locks
        in a fixed order, per schema). One room's sensors sit on several partitions and its
        catalog record on another, so projector replicas owning different partitions can
        work on one room at once; each then sees what the other committed."""
        wanted = sorted(set(locations))
        if wanted:
            await self._conn.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(current_schema() || "
                "':climate:' || l, 0)) FROM unnest($1::text[]) AS l ORDER BY l",
                wanted,
            )

    async def states(self, keys: Iterable[SeriesKey]) -> dict[SeriesKey, SeriesState]:
        wanted = sorted(keys)
        if not wanted:
            return {}
        rows = await self._conn.fetch(
            "SELECT state FROM detector_states WHERE (location, metric) IN "
            "(SELECT * FROM unnest($1::text[], $2::text[]))",
            [k[0] for k in wanted],
            [k[1].value for k in wanted],
        )
        found = (SeriesState.from_json(json_value(r["state"])) for r in rows)
        return {s.key: s for s in found}

    async def save_states(self, states: Sequence[SeriesState]) -> None:
        if not states:
            return
        await self._conn.execute(
            "INSERT INTO detector_states (location, metric, last_at, state) "
            "SELECT l, m, a, CAST(j AS jsonb) FROM unnest($1::text[], $2::text[], "
            "$3::timestamptz[], $4::text[]) AS u(l, m, a, j) "
            "ON CONFLICT (location, metric) DO UPDATE SET last_at = EXCLUDED.last_at, "
            "state = EXCLUDED.state, updated_at = now()",
            [s.location for s in states],
            [s.metric.value for s in states],
            [s.last_at for s in states],
            [json_param(s.to_json()) for s in states],
        )

    async def anchor(self, location: str, metric: Metric, start: datetime) -> datetime:
        """The latest instant not after `start` just before which no stored excursion of
        the location's `metric` was under way (one that ended at that instant still was)."""
        kinds = [k.value for k in kinds_of(metric)]
        while True:
            earlier = await self._conn.fetchval(
                "SELECT min(started_at) FROM excursions WHERE location = $1 "
                "AND kind = ANY($2::text[]) AND started_at < $3 "
                "AND (ended_at IS NULL OR ended_at >= $3)",
                location,
                kinds,
                start,
            )
            if earlier is None:
                return start
            start = earlier

    async def excursions_from(
        self, location: str, metric: Metric, start: datetime | None
    ) -> list[Excursion]:
        """The stored excursions of `metric` at `location` starting at or after `start`."""
        rows = await self._conn.fetch(
            "SELECT * FROM excursions WHERE location = $1 AND kind = ANY($2::text[]) "
            "AND ($3::timestamptz IS NULL OR started_at >= $3) ORDER BY started_at",
            location,
            [k.value for k in kinds_of(metric)],
            start,
        )
        return [excursion_of(r) for r in rows]

    async def save_excursions(self, excursions: Sequence[Excursion]) -> None:
        if not excursions:
            return
        xs = excursions
        await self._conn.execute(
            "INSERT INTO excursions (excursion_id, location, warehouse, sensor, metric, kind, "
            "limit_value, started_at, ended_at, peak, readings, sensors, detected_late, "
            "first_recorded_at) SELECT i, l, split_part(l, '/', 1), s, m, k, lv, sa, ea, p, r, "
            "string_to_array(ss, ' '), dl, fr FROM unnest($1::uuid[], $2::text[], $3::text[], "
            "$4::text[], $5::text[], $6::float8[], $7::timestamptz[], $8::timestamptz[], "
            "$9::float8[], $10::int[], $11::text[], $12::bool[], $13::timestamptz[]) "
            "AS u(i, l, s, m, k, lv, sa, ea, p, r, ss, dl, fr) "
            "ON CONFLICT (excursion_id) DO UPDATE SET ended_at = EXCLUDED.ended_at, "
            "peak = EXCLUDED.peak, readings = EXCLUDED.readings, sensor = EXCLUDED.sensor, "
            "limit_value = EXCLUDED.limit_value, sensors = EXCLUDED.sensors, "
            "detected_late = EXCLUDED.detected_late, "
            "first_recorded_at = EXCLUDED.first_recorded_at",
            [x.excursion_id for x in xs],
            [x.location for x in xs],
            [x.sensor for x in xs],
            [METRIC_OF[x.kind].value for x in xs],
            [x.kind.value for x in xs],
            [x.limit for x in xs],
            [x.started_at for x in xs],
            [x.ended_at for x in xs],
            [x.peak for x in xs],
            [x.readings for x in xs],
            [" ".join(x.sensors) for x in xs],
            [x.detected_late for x in xs],
            [x.first_recorded_at for x in xs],
        )

    async def delete_excursions(self, ids: Sequence[str]) -> None:
        if ids:
            await self._conn.execute(
                "DELETE FROM excursions WHERE excursion_id = ANY($1::uuid[])", list(ids)
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


def excursion_of(row: Row) -> Excursion:
    return Excursion(
        excursion_id=str(row["excursion_id"]),
        location=row["location"],
        sensor=row["sensor"],
        kind=ExcursionKind(row["kind"]),
        limit=row["limit_value"],
        started_at=row["started_at"],
        peak=row["peak"],
        readings=row["readings"],
        ended_at=row["ended_at"],
        sensors=tuple(row["sensors"]),
        first_recorded_at=row["first_recorded_at"],
        detected_late=row["detected_late"],
    )
