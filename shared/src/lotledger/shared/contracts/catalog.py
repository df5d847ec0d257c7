"""Master data, topic `lotledger.catalog.v1` (compacted): each event carries the whole
current record so the latest message per key is enough. What a consumer must judge the
past by travels inside the record too: a location's `ranges` are every range it has had,
so compaction keeps its history (docs/adr/0013-climate-record.md)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from pydantic import AwareDatetime, Field

from lotledger.shared.contracts.common import Payload
from lotledger.shared.contracts.money import cost_field, currency_field

T = TypeVar("T", int, float)


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
    lead_time_days: int | None = Field(default=None, description="replenishment lead time")
    service_level: float | None = Field(
        default=None, description="the chance of no stock-out during a lead time, 0 to 1"
    )


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
    unit_cost: Decimal | None = cost_field("default cost of one base unit, for lots without one")
    currency: str | None = currency_field("ISO 4217 code of unit_cost; present with it")
    lead_time_days: int | None = Field(default=None, description="replenishment lead time")
    service_level: float | None = Field(
        default=None, description="the chance of no stock-out during a lead time, 0 to 1"
    )
    expiry_risk_qty: int | None = Field(
        default=None,
        description="expiry_risk is raised when more units than this are at risk in a "
        "warehouse (absent, and no expiry_risk_value: any unit)",
    )
    expiry_risk_value: Decimal | None = cost_field(
        "expiry_risk is raised when the value at risk (in `currency`) exceeds this"
    )
    serialised: bool | None = Field(
        default=None,
        description="each pack carries a serial (GTIN + AI 21) and is managed by it "
        "(docs/adr/0016-serials.md); absent: not serialised",
    )

    def thresholds_in(self, warehouse: str) -> WarehouseThresholds:
        """The thresholds in force in `warehouse`: its overrides, else the product's."""
        own = (self.warehouses or {}).get(warehouse) or WarehouseThresholds()
        return WarehouseThresholds(
            reorder_point=_first(own.reorder_point, self.reorder_point),
            max_stock=_first(own.max_stock, self.max_stock),
            min_remaining_days=_first(own.min_remaining_days, self.min_remaining_days),
            lead_time_days=_first(own.lead_time_days, self.lead_time_days),
            service_level=_first(own.service_level, self.service_level),
        )


def _first(override: T | None, default: T | None) -> T | None:
    return default if override is None else override


class Warehouse(Payload):
    """A warehouse's own master data: its defaults for the products it receives."""

    warehouse: str
    name: str
    inspect_receipts: bool = Field(
        default=False,
        description="receipts land pending_inspection unless the product says otherwise",
    )


class RangeInForce(Payload):
    """A location's climate range from `since` until the next range's `since`."""

    since: AwareDatetime
    temp_min_c: float
    temp_max_c: float
    humidity_min_pct: float | None = None
    humidity_max_pct: float | None = None


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
    ranges: list[RangeInForce] = Field(
        default=[],
        description="every range the location has had, oldest first, the last being the "
        "one above; empty in records written before ranges were kept",
    )


class Measure(StrEnum):
    TEMPERATURE = "temperature"
    HUMIDITY = "humidity"


class SensorStatus(StrEnum):
    ACTIVE = "active"
    RETIRED = "retired"


class Sensor(Payload):
    """A registered sensor or data logger: where it is, what it measures, how often it is
    expected to report and when its calibration is due. A retired sensor stays on record
    (`retired_at`); its readings are refused from then on."""

    sensor_id: str
    location: str
    warehouse: str
    measures: list[Measure]
    interval_minutes: int = Field(description="the longest expected gap between readings")
    calibration_due: date | None = None
    status: SensorStatus = SensorStatus.ACTIVE
    registered_at: AwareDatetime
    retired_at: AwareDatetime | None = None


PRODUCT_REGISTERED = "lotledger.catalog.product_registered.v1"
PRODUCT_UPDATED = "lotledger.catalog.product_updated.v1"
LOCATION_REGISTERED = "lotledger.catalog.location_registered.v1"
LOCATION_UPDATED = "lotledger.catalog.location_updated.v1"
SENSOR_REGISTERED = "lotledger.catalog.sensor_registered.v1"
SENSOR_UPDATED = "lotledger.catalog.sensor_updated.v1"
WAREHOUSE_REGISTERED = "lotledger.catalog.warehouse_registered.v1"
WAREHOUSE_UPDATED = "lotledger.catalog.warehouse_updated.v1"

EVENT_TYPES: dict[str, type[Payload]] = {
    PRODUCT_REGISTERED: Product,
    PRODUCT_UPDATED: Product,
    LOCATION_REGISTERED: Location,
    LOCATION_UPDATED: Location,
    SENSOR_REGISTERED: Sensor,
    SENSOR_UPDATED: Sensor,
    WAREHOUSE_REGISTERED: Warehouse,
    WAREHOUSE_UPDATED: Warehouse,
}


def product_key(gtin: str) -> str:
    return f"product:{gtin}"


def location_key(location_id: str) -> str:
    return f"location:{location_id}"


def sensor_key(sensor_id: str) -> str:
    return f"sensor:{sensor_id}"


def warehouse_key(warehouse: str) -> str:
    return f"warehouse:{warehouse}"
