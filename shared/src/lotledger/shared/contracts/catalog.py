"""Master data, topic `lotledger.catalog.v1` (compacted): each event carries the whole
current record so the latest message per key is enough."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from lotledger.shared.contracts.common import Payload


class StorageClass(StrEnum):
    COLD = "cold"
    COOL = "cool"
    AMBIENT = "ambient"


class LocationKind(StrEnum):
    STORAGE = "storage"
    QUARANTINE = "quarantine"
    DISPATCH = "dispatch"


class WarehouseThresholds(Payload):
    """One warehouse's overrides of a product's thresholds (absent: the product's)."""

    reorder_point: int | None = None
    max_stock: int | None = None
    min_remaining_days: int | None = None


class Product(Payload):
    gtin: str
    name: str
    storage_class: StorageClass
    rx: bool
    reorder_point: int | None = None
    max_stock: int | None = None
    near_expiry_days: list[int] | None = None
    min_remaining_days: int | None = Field(
        default=None,
        description="minimum remaining shelf life, in days, for stock to be shipped",
    )
    inspect_receipts: bool | None = Field(
        default=None,
        description="receipts land pending_inspection (true) or available (false); "
        "absent: the receiving warehouse's default",
    )
    warehouses: dict[str, WarehouseThresholds] | None = Field(
        default=None, description="per-warehouse overrides of the thresholds, by warehouse id"
    )

    def thresholds_in(self, warehouse: str) -> WarehouseThresholds:
        """The thresholds in force in `warehouse`: its overrides, else the product's."""
        own = (self.warehouses or {}).get(warehouse) or WarehouseThresholds()
        return WarehouseThresholds(
            reorder_point=_first(own.reorder_point, self.reorder_point),
            max_stock=_first(own.max_stock, self.max_stock),
            min_remaining_days=_first(own.min_remaining_days, self.min_remaining_days),
        )


def _first(override: int | None, default: int | None) -> int | None:
    return default if override is None else override


class Warehouse(Payload):
    """A warehouse's own master data: its defaults for the products it receives."""

    warehouse: str
    name: str
    inspect_receipts: bool = Field(
        default=False,
        description="receipts land pending_inspection unless the product says otherwise",
    )


class Location(Payload):
    location_id: str
    warehouse: str
    name: str
    kind: LocationKind
    storage_class: StorageClass
    temp_min_c: float
    temp_max_c: float
    humidity_min_pct: float | None = None
    humidity_max_pct: float | None = None
    timezone: str = "UTC"


PRODUCT_REGISTERED = "lotledger.catalog.product_registered.v1"
PRODUCT_UPDATED = "lotledger.catalog.product_updated.v1"
LOCATION_REGISTERED = "lotledger.catalog.location_registered.v1"
LOCATION_UPDATED = "lotledger.catalog.location_updated.v1"
WAREHOUSE_REGISTERED = "lotledger.catalog.warehouse_registered.v1"
WAREHOUSE_UPDATED = "lotledger.catalog.warehouse_updated.v1"

EVENT_TYPES: dict[str, type[Payload]] = {
    PRODUCT_REGISTERED: Product,
    PRODUCT_UPDATED: Product,
    LOCATION_REGISTERED: Location,
    LOCATION_UPDATED: Location,
    WAREHOUSE_REGISTERED: Warehouse,
    WAREHOUSE_UPDATED: Warehouse,
}


def product_key(gtin: str) -> str:
    return f"product:{gtin}"


def location_key(location_id: str) -> str:
    return f"location:{location_id}"


def warehouse_key(warehouse: str) -> str:
    return f"warehouse:{warehouse}"
