"""Master data rows (products, locations, warehouses) with their audit trail and catalog outbox."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from lotledger.inventory.adapters.catalog_changes import Change, Entity, record_change
from lotledger.shared.contracts import catalog as cat
from lotledger.shared.contracts.common import Payload
from lotledger.shared.db import Driver, Row, json_param, json_value

__all__ = ["CatalogStore", "Change", "Stored"]

CATALOG_LOCK = "SELECT pg_advisory_xact_lock('products'::regclass::oid::integer, 1)"
"""Taken by every change of a product, location or warehouse before it reads or writes
anything, until its transaction ends. Every append takes it shared once it holds its
batches, then compares the versions of the records its request decided on with the
committed ones (migration `0018_catalog_versions`). So a change waits for the appends in
flight, and an append that comes after it decides again if a record it used changed:
each append is serialised before or after every catalog change. An append takes it
before its first stock line, so once a change holds it no other transaction holds a
line, and the location's lines it sets cannot deadlock. One key for the whole catalog:
an append takes one lock however many records it read; the price is that appends wait
while a catalog change runs (milliseconds, a few times a day)."""

CATALOG_READ = "SELECT pg_advisory_xact_lock_shared('products'::regclass::oid::integer, 1)"
"""`CATALOG_LOCK` shared, as an append takes it: for a transaction that decides on catalog
records it reads itself, outside the appends' version check (a serials capture checking
its products). No change commits until it ends, and the records it reads after are as
committed."""

PICKABLE_AT = "UPDATE stock_levels SET pickable = $2 WHERE location = $1 AND pickable <> $2"
"""Every stock line at location $1 made pickable or not ($2), under `CATALOG_LOCK`."""

R = TypeVar("R")
P = TypeVar("P", bound=Payload)


@dataclass(frozen=True)
class Stored(Generic[R]):
    """A catalog record with its version (each change adds one)."""

    record: R
    version: int


def _record(value: object) -> dict[str, Any]:
    return dict(json_value(value))


class CatalogStore:
    """Runs on an asyncpg connection inside the caller's transaction."""

    def __init__(self, conn: Driver) -> None:
        self._conn = conn

    async def hold_appends(self) -> None:
        """`CATALOG_LOCK`: the first statement of a catalog change."""
        await self._conn.execute(CATALOG_LOCK)

    async def hold_changes(self) -> None:
        """`CATALOG_READ`, before the records this transaction decides on are read."""
        await self._conn.execute(CATALOG_READ)

    async def products(self, gtins: Sequence[str]) -> dict[str, Stored[cat.Product]]:
        return await self._read("products", "gtin", cat.Product, gtins)

    async def locations(self, ids: Sequence[str]) -> dict[str, Stored[cat.Location]]:
        return await self._read("locations", "location_id", cat.Location, ids)

    async def warehouses(self, ids: Sequence[str]) -> dict[str, Stored[cat.Warehouse]]:
        return await self._read("warehouses", "warehouse_id", cat.Warehouse, ids)

    async def _read(
        self, table: str, key: str, model: type[P], keys: Sequence[str]
    ) -> dict[str, Stored[P]]:
        """The records of `table` whose `key` is one of `keys`, with their versions."""
        if not keys:
            return {}
        rows = await self._conn.fetch(
            f"SELECT {key} AS key, record, version FROM {table} WHERE {key} = ANY($1::text[])",  # noqa: S608 (names are this module's constants)
            sorted(set(keys)),
        )
        return {
            r["key"]: Stored(model.model_validate(_record(r["record"])), r["version"]) for r in rows
        }

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
