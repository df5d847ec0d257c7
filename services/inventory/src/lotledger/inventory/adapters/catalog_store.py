"""Master data rows (products, locations, warehouses) with their audit trail and catalog outbox."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lotledger.inventory.adapters.catalog_changes import Change, Entity, record_change
from lotledger.shared.contracts import catalog as cat
from lotledger.shared.contracts.common import Payload
from lotledger.shared.db import Driver, Row, json_param, json_value

__all__ = ["CatalogStore", "Change"]

KINDS_LOCK = "SELECT pg_advisory_xact_lock('locations'::regclass::oid::integer, 1)"
"""Taken before a location's stock lines are set, until the transaction ends. Every append
that writes or empties a stock line takes it shared once it holds its batches, then checks
the pickability it assumed of the lines' locations against the committed records
(migration `0018_location_kinds`). So the change waits for the appends in flight, and an
append that comes after it sees the new kind: no line is written with a location's old
kind, and no pick takes goods from a location quarantined before the pick commits. Once
this is held no other transaction holds a stock line of any location, so setting them
cannot deadlock. One key for every location: a location's kind changes rarely, and the
appends wait for as long as the change takes to set its lines."""

PICKABLE_AT = "UPDATE stock_levels SET pickable = $2 WHERE location = $1 AND pickable <> $2"
"""Every stock line at location $1 made pickable or not ($2), under `KINDS_LOCK`."""


def _record(value: object) -> dict[str, Any]:
    return dict(json_value(value))


class CatalogStore:
    """Runs on an asyncpg connection inside the caller's transaction."""

    def __init__(self, conn: Driver) -> None:
        self._conn = conn

    async def products(self, gtins: Sequence[str]) -> dict[str, cat.Product]:
        if not gtins:
            return {}
        rows = await self._conn.fetch(
            "SELECT record FROM products WHERE gtin = ANY($1::text[])", list(set(gtins))
        )
        products = (cat.Product.model_validate(_record(r["record"])) for r in rows)
        return {p.gtin: p for p in products}

    async def locations(self, location_ids: Sequence[str]) -> dict[str, cat.Location]:
        if not location_ids:
            return {}
        rows = await self._conn.fetch(
            "SELECT record FROM locations WHERE location_id = ANY($1::text[])",
            list(set(location_ids)),
        )
        locations = (cat.Location.model_validate(_record(r["record"])) for r in rows)
        return {loc.location_id: loc for loc in locations}

    async def warehouses(self, ids: Sequence[str]) -> dict[str, cat.Warehouse]:
        if not ids:
            return {}
        rows = await self._conn.fetch(
            "SELECT record FROM warehouses WHERE warehouse_id = ANY($1::text[])", list(set(ids))
        )
        found = (cat.Warehouse.model_validate(_record(r["record"])) for r in rows)
        return {w.warehouse: w for w in found}

    async def product_for_update(self, gtin: str) -> cat.Product | None:
        """The stored product, locked until the transaction ends."""
        row = await self._conn.fetchrow(
            "SELECT record FROM products WHERE gtin = $1 FOR UPDATE", gtin
        )
        return None if row is None else cat.Product.model_validate(_record(row["record"]))

    async def location_for_update(self, location_id: str) -> cat.Location | None:
        """The stored location, locked until the transaction ends."""
        row = await self._conn.fetchrow(
            "SELECT record FROM locations WHERE location_id = $1 FOR UPDATE", location_id
        )
        return None if row is None else cat.Location.model_validate(_record(row["record"]))

    async def stocked_locations(self, gtin: str) -> list[str]:
        """Every location holding stock of the product now."""
        rows = await self._conn.fetch(
            "SELECT DISTINCT location FROM stock_levels WHERE gtin = $1 ORDER BY location", gtin
        )
        return [r["location"] for r in rows]

    async def save_product(self, product: cat.Product, change: Change) -> bool:
        """Store the product; returns True when it was new. Unchanged records write nothing."""
        stored = await self._store(
            "product",
            "products",
            {"gtin": product.gtin},
            cat.product_key(product.gtin),
            (cat.PRODUCT_REGISTERED, cat.PRODUCT_UPDATED),
            product,
            change,
        )
        return stored is True

    async def save_location(self, location: cat.Location, change: Change) -> bool:
        """Store the location; returns True when it was new. Unchanged records write nothing."""
        stored = await self._store(
            "location",
            "locations",
            {"location_id": location.location_id, "warehouse": location.warehouse},
            cat.location_key(location.location_id),
            (cat.LOCATION_REGISTERED, cat.LOCATION_UPDATED),
            location,
            change,
        )
        if stored is not None:
            await self._conn.execute(KINDS_LOCK)
            await self._conn.execute(
                PICKABLE_AT,
                location.location_id,
                location.kind is not cat.LocationKind.QUARANTINE,
            )
        return stored is True

    async def save_warehouse(self, warehouse: cat.Warehouse, change: Change) -> bool:
        """Store the warehouse's record; returns True when it was new."""
        stored = await self._store(
            "warehouse",
            "warehouses",
            {"warehouse_id": warehouse.warehouse},
            cat.warehouse_key(warehouse.warehouse),
            (cat.WAREHOUSE_REGISTERED, cat.WAREHOUSE_UPDATED),
            warehouse,
            change,
        )
        return stored is True

    async def _store(
        self,
        entity: str,
        table: str,
        columns: dict[str, str],
        key: str,
        event_types: tuple[str, str],
        record: Payload,
        change: Change,
    ) -> bool | None:
        """Upsert `record` into `table` (identified by the first of `columns`, the others
        written beside it), audited and published as registered or updated: True when new,
        False when changed, None when equal to the stored record (nothing written)."""
        (id_column, entity_id), names = next(iter(columns.items())), list(columns)
        current = await self._conn.fetchrow(
            f"SELECT record, version FROM {table} WHERE {id_column} = $1 FOR UPDATE",  # noqa: S608 (names are this module's constants)
            entity_id,
        )
        if current and _record(current["record"]) == record.as_data():
            return None
        version = current["version"] + 1 if current else 1
        n = len(names)
        values = [f"${i}" for i in range(1, n + 1)] + [f"${n + 1}::jsonb"]
        values += [f"${i}" for i in range(n + 2, n + 5)]
        await self._conn.execute(
            f"INSERT INTO {table} ({', '.join(names)}, record, version, updated_at, updated_by) "  # noqa: S608 (names are this module's constants)
            f"VALUES ({', '.join(values)}) ON CONFLICT ({id_column}) DO UPDATE SET "
            "record = EXCLUDED.record, version = EXCLUDED.version, "
            "updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by",
            *columns.values(),
            json_param(record.as_data()),
            version,
            change.now,
            change.actor,
        )
        registered, updated = event_types
        await self._record_change(
            entity,
            entity_id,
            key,
            updated if current else registered,
            current,
            record,
            version,
            change,
        )
        return current is None

    async def _record_change(
        self,
        entity: str,
        entity_id: str,
        key: str,
        event_type: str,
        current: Row | None,
        record: Payload,
        version: int,
        change: Change,
    ) -> None:
        before = _record(current["record"]) if current else None
        await record_change(
            self._conn, Entity(entity, entity_id, key), event_type, before, record, version, change
        )
