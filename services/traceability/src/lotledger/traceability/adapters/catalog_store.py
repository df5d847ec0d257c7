"""The catalog copy (products, locations, sensors) from `lotledger.catalog.v1`.

Each catalog event carries the whole record; the latest per key wins, and a record older
than the stored one (a lower catalog version) changes nothing, so redelivery and replay
of a compacted topic are harmless. Saving locations and sensors answers what each record
was before and is now, for those it changed: a new range or a retirement changes how a
location's climate is judged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from lotledger.shared.contracts.catalog import Location, Product, Sensor
from lotledger.shared.db import Driver, json_param, json_value

T = TypeVar("T")


def _latest(items: Iterable[tuple[int, T]], key: Callable[[T], str]) -> list[tuple[int, T]]:
    latest: dict[str, tuple[int, T]] = {}
    for version, item in items:
        k = key(item)
        if k not in latest or latest[k][0] <= version:
            latest[k] = (version, item)
    return list(latest.values())


class CatalogStore:
    def __init__(self, conn: Driver) -> None:
        self._conn = conn

    async def save_products(self, products: Sequence[tuple[int, Product]]) -> None:
        rows = _latest(products, lambda p: p.gtin)
        if not rows:
            return
        await self._conn.execute(
            "INSERT INTO products (gtin, name, storage_class, rx, version, record) "
            "SELECT g, n, s, r, v, CAST(d AS jsonb) FROM unnest($1::text[], $2::text[], "
            "$3::text[], $4::bool[], $5::int[], $6::text[]) AS u(g, n, s, r, v, d) "
            "ON CONFLICT (gtin) DO UPDATE SET name = EXCLUDED.name, "
            "storage_class = EXCLUDED.storage_class, rx = EXCLUDED.rx, "
            "version = EXCLUDED.version, record = EXCLUDED.record "
            "WHERE products.version <= EXCLUDED.version",
            [p.gtin for _, p in rows],
            [p.name for _, p in rows],
            [p.storage_class.value for _, p in rows],
            [p.rx for _, p in rows],
            [v for v, _ in rows],
            [json_param(p.as_data()) for _, p in rows],
        )

    async def save_locations(
        self, locations: Sequence[tuple[int, Location]]
    ) -> dict[str, tuple[Location | None, Location]]:
        """Store the locations; returns (before, after) of each one written."""
        rows = _latest(locations, lambda loc: loc.location_id)
        if not rows:
            return {}
        before = await self.locations(loc.location_id for _, loc in rows)
        saved = await self._conn.fetch(
            "INSERT INTO locations (location_id, warehouse, name, kind, storage_class, "
            "temp_min_c, temp_max_c, humidity_min_pct, humidity_max_pct, timezone, version, "
            "record) SELECT i, w, n, k, s, tl, th, hl, hh, z, v, CAST(d AS jsonb) FROM unnest("
            "$1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::float8[], "
            "$7::float8[], $8::float8[], $9::float8[], $10::text[], $11::int[], $12::text[]) "
            "AS u(i, w, n, k, s, tl, th, hl, hh, z, v, d) "
            "ON CONFLICT (location_id) DO UPDATE SET warehouse = EXCLUDED.warehouse, "
            "name = EXCLUDED.name, kind = EXCLUDED.kind, storage_class = EXCLUDED.storage_class, "
            "temp_min_c = EXCLUDED.temp_min_c, temp_max_c = EXCLUDED.temp_max_c, "
            "humidity_min_pct = EXCLUDED.humidity_min_pct, "
            "humidity_max_pct = EXCLUDED.humidity_max_pct, timezone = EXCLUDED.timezone, "
            "version = EXCLUDED.version, record = EXCLUDED.record "
            "WHERE locations.version <= EXCLUDED.version "
            "RETURNING location_id",
            [loc.location_id for _, loc in rows],
            [loc.warehouse for _, loc in rows],
            [loc.name for _, loc in rows],
            [loc.kind.value for _, loc in rows],
            [loc.storage_class.value for _, loc in rows],
            [loc.temp_min_c for _, loc in rows],
            [loc.temp_max_c for _, loc in rows],
            [loc.humidity_min_pct for _, loc in rows],
            [loc.humidity_max_pct for _, loc in rows],
            [loc.timezone for _, loc in rows],
            [v for v, _ in rows],
            [json_param(loc.as_data()) for _, loc in rows],
        )
        after = {loc.location_id: loc for _, loc in rows}
        written = sorted(r["location_id"] for r in saved)
        return {i: (before.get(i), after[i]) for i in written}

    async def save_sensors(
        self, sensors: Sequence[tuple[int, Sensor]]
    ) -> dict[str, tuple[Sensor | None, Sensor]]:
        """Store the sensors; returns (before, after) of each one written."""
        rows = _latest(sensors, lambda s: s.sensor_id)
        if not rows:
            return {}
        before = await self.sensors(s.sensor_id for _, s in rows)
        saved = await self._conn.fetch(
            "INSERT INTO sensors (sensor_id, location, warehouse, status, retired_at, version, "
            "record) SELECT i, l, w, s, r, v, CAST(d AS jsonb) FROM unnest($1::text[], "
            "$2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::int[], $7::text[]) "
            "AS u(i, l, w, s, r, v, d) ON CONFLICT (sensor_id) DO UPDATE SET "
            "location = EXCLUDED.location, warehouse = EXCLUDED.warehouse, "
            "status = EXCLUDED.status, retired_at = EXCLUDED.retired_at, "
            "version = EXCLUDED.version, record = EXCLUDED.record "
            "WHERE sensors.version <= EXCLUDED.version RETURNING sensor_id",
            [s.sensor_id for _, s in rows],
            [s.location for _, s in rows],
            [s.warehouse for _, s in rows],
            [s.status.value for _, s in rows],
            [s.retired_at for _, s in rows],
            [v for v, _ in rows],
            [json_param(s.as_data()) for _, s in rows],
        )
        after = {s.sensor_id: s for _, s in rows}
        return {r["sensor_id"]: (before.get(r["sensor_id"]), after[r["sensor_id"]]) for r in saved}

    async def sensors(self, sensor_ids: Iterable[str]) -> dict[str, Sensor]:
        ids = sorted(set(sensor_ids))
        if not ids:
            return {}
        rows = await self._conn.fetch(
            "SELECT record FROM sensors WHERE sensor_id = ANY($1::text[])", ids
        )
        found = (Sensor.model_validate(json_value(r["record"])) for r in rows)
        return {s.sensor_id: s for s in found}

    async def locations(self, location_ids: Iterable[str]) -> dict[str, Location]:
        ids = sorted(set(location_ids))
        if not ids:
            return {}
        rows = await self._conn.fetch(
            "SELECT record FROM locations WHERE location_id = ANY($1::text[])", ids
        )
        found = (Location.model_validate(json_value(r["record"])) for r in rows)
        return {loc.location_id: loc for loc in found}
