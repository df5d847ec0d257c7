"""Product thresholds and warehouse time zones from the catalog topic. Each row keeps the
catalog record's version, so an older or repeated record is recognised and ignored."""

from __future__ import annotations

from collections.abc import Iterable

from lotledger.alerts.domain.facts import ProductThresholds, Zones
from lotledger.shared.contracts.catalog import Location, WarehouseThresholds
from lotledger.shared.db import Driver, Row, json_param, json_value

_COLUMNS = (
    "gtin, reorder_point, max_stock, near_expiry_days, min_remaining_days, warehouses, "
    "unit_cost, currency, lead_time_days, service_level, expiry_risk_qty, expiry_risk_value"
)


def _thresholds(row: Row) -> ProductThresholds:
    days = row["near_expiry_days"]
    overrides = json_value(row["warehouses"]) if row["warehouses"] is not None else {}
    return ProductThresholds(
        row["gtin"],
        row["reorder_point"],
        row["max_stock"],
        tuple(days) if days else None,
        row["min_remaining_days"],
        {w: WarehouseThresholds.model_validate(t) for w, t in overrides.items()},
        row["unit_cost"],
        row["currency"],
        row["lead_time_days"],
        row["service_level"],
        row["expiry_risk_qty"],
        row["expiry_risk_value"],
    )


class CatalogFactsStore:
    def __init__(self, conn: Driver) -> None:
        self._conn = conn

    async def save_product(self, thresholds: ProductThresholds, version: int) -> bool:
        """Store the thresholds unless a record of this or a later version is stored;
        returns whether anything changed."""
        overrides = {w: t.as_data() for w, t in sorted(thresholds.warehouses.items())}
        status = await self._conn.execute(
            "INSERT INTO products (gtin, reorder_point, max_stock, near_expiry_days, version, "
            "min_remaining_days, warehouses, unit_cost, currency, lead_time_days, "
            "service_level, expiry_risk_qty, expiry_risk_value) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, $12, $13) "
            "ON CONFLICT (gtin) DO UPDATE SET "
            "unit_cost = EXCLUDED.unit_cost, currency = EXCLUDED.currency, "
            "lead_time_days = EXCLUDED.lead_time_days, service_level = EXCLUDED.service_level, "
            "expiry_risk_qty = EXCLUDED.expiry_risk_qty, "
            "expiry_risk_value = EXCLUDED.expiry_risk_value, "
            "reorder_point = EXCLUDED.reorder_point, max_stock = EXCLUDED.max_stock, "
            "near_expiry_days = EXCLUDED.near_expiry_days, version = EXCLUDED.version, "
            "min_remaining_days = EXCLUDED.min_remaining_days, "
            "warehouses = EXCLUDED.warehouses WHERE products.version < EXCLUDED.version",
            thresholds.gtin,
            thresholds.reorder_point,
            thresholds.max_stock,
            list(thresholds.near_expiry_days) if thresholds.near_expiry_days else None,
            version,
            thresholds.min_remaining_days,
            json_param(overrides) if overrides else None,
            thresholds.unit_cost,
            thresholds.currency,
            thresholds.lead_time_days,
            thresholds.service_level,
            thresholds.expiry_risk_qty,
            thresholds.expiry_risk_value,
        )
        return bool(status.endswith(" 1"))

    async def save_location(self, location: Location, version: int) -> bool:
        status = await self._conn.execute(
            "INSERT INTO locations (location_id, warehouse, timezone, version, kind) "
            "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (location_id) DO UPDATE SET "
            "warehouse = EXCLUDED.warehouse, timezone = EXCLUDED.timezone, "
            "version = EXCLUDED.version, kind = EXCLUDED.kind "
            "WHERE locations.version < EXCLUDED.version",
            location.location_id,
            location.warehouse,
            location.timezone,
            version,
            location.kind.value,
        )
        return bool(status.endswith(" 1"))

    async def thresholds_of(self, gtins: Iterable[str]) -> dict[str, ProductThresholds]:
        rows = await self._conn.fetch(
            f"SELECT {_COLUMNS} FROM products "  # noqa: S608 (constants only)
            "WHERE gtin = ANY($1::text[])",
            sorted(set(gtins)),
        )
        return {r["gtin"]: _thresholds(r) for r in rows}

    async def zones(self) -> Zones:
        """A warehouse's zone is that of its first location by id (locations of one
        warehouse share one zone in practice; the choice is only made stable)."""
        rows = await self._conn.fetch(
            "SELECT DISTINCT ON (warehouse) warehouse, timezone FROM locations "
            "ORDER BY warehouse, location_id"
        )
        return Zones({r["warehouse"]: r["timezone"] for r in rows})
