"""The sensor registry's rows, with the same audit trail and catalog outbox as products
and locations. Runs on an asyncpg connection inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence

from lotledger.inventory.adapters.catalog_changes import Change, Entity, record_change
from lotledger.shared.contracts import catalog as cat
from lotledger.shared.db import Driver, Row, json_param, json_value


def _sensor(row: Row) -> cat.Sensor:
    return cat.Sensor.model_validate(dict(json_value(row["record"])))


class SensorStore:
    def __init__(self, conn: Driver) -> None:
        self._conn = conn

    async def sensors(self, ids: Sequence[str]) -> dict[str, cat.Sensor]:
        if not ids:
            return {}
        rows = await self._conn.fetch(
            "SELECT record FROM sensors WHERE sensor_id = ANY($1::text[])", sorted(set(ids))
        )
        return {s.sensor_id: s for s in map(_sensor, rows)}

    async def for_update(self, sensor_id: str) -> cat.Sensor | None:
        """The stored sensor, locked until the transaction ends."""
        row = await self._conn.fetchrow(
            "SELECT record FROM sensors WHERE sensor_id = $1 FOR UPDATE", sensor_id
        )
        return None if row is None else _sensor(row)

    async def listed(
        self, warehouses: Sequence[str] | None, location: str | None, limit: int, offset: int
    ) -> list[cat.Sensor]:
        """Sensors by id; `warehouses` None means every warehouse."""
        rows = await self._conn.fetch(
            "SELECT record FROM sensors WHERE ($1::text[] IS NULL OR warehouse = ANY($1)) "
            "AND ($2::text IS NULL OR location = $2) ORDER BY sensor_id LIMIT $3 OFFSET $4",
            None if warehouses is None else list(warehouses),
            location,
            limit,
            offset,
        )
        return [_sensor(r) for r in rows]

    async def save(self, sensor: cat.Sensor, before: cat.Sensor | None, change: Change) -> bool:
        """Store the sensor (`before` as read under lock); returns whether anything changed."""
        if before is not None and before.as_data() == sensor.as_data():
            return False
        version = await self._conn.fetchval(
            "INSERT INTO sensors (sensor_id, location, warehouse, record, version, updated_at, "
            "updated_by) VALUES ($1, $2, $3, $4::jsonb, 1, $5, $6) ON CONFLICT (sensor_id) DO "
            "UPDATE SET record = EXCLUDED.record, version = sensors.version + 1, "
            "updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by "
            "RETURNING version",
            sensor.sensor_id,
            sensor.location,
            sensor.warehouse,
            json_param(sensor.as_data()),
            change.now,
            change.actor,
        )
        event = cat.SENSOR_UPDATED if before else cat.SENSOR_REGISTERED
        entity = Entity("sensor", sensor.sensor_id, cat.sensor_key(sensor.sensor_id))
        prior = None if before is None else before.as_data()
        await record_change(self._conn, entity, event, prior, sensor, version, change)
        return True
