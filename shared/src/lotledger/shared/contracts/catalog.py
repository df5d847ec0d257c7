"""Master data, topic `lotledger.catalog.v1` (compacted): each event carries the whole
current record so the latest message per key is enough."""

from __future__ import annotations

from enum import StrEnum

from lotledger.shared.contracts.common import Payload


class StorageClass(StrEnum):
    COLD = "cold"
    COOL = "cool"
    AMBIENT = "ambient"


class LocationKind(StrEnum):
    STORAGE = "storage"
    QUARANTINE = "quarantine"
    DISPATCH = "dispatch"


class Product(Payload):
    gtin: str
    name: str
    storage_class: StorageClass
    rx: bool
    reorder_point: int | None = None
    max_stock: int | None = None
    near_expiry_days: list[int] | None = None


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

EVENT_TYPES: dict[str, type[Payload]] = {
    PRODUCT_REGISTERED: Product,
    PRODUCT_UPDATED: Product,
    LOCATION_REGISTERED: Location,
    LOCATION_UPDATED: Location,
}


def product_key(gtin: str) -> str:
    return f"product:{gtin}"


def location_key(location_id: str) -> str:
    return f"location:{location_id}"
