"""Master-data bodies with their validation: GTIN check digit (path), storage classes
and their ranges, reorder point ≤ max stock, near-expiry tiers, time zones."""

from __future__ import annotations

from typing import Annotated, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    field_validator,
    model_validator,
)

from lotledger.inventory.domain.catalog import ClassRanges
from lotledger.inventory.domain.errors import LocationIdMismatch, LocationOutsideClassRange
from lotledger.inventory.entrypoints.api.money import CurrencyCode, UnitCost, currency_field, priced
from lotledger.shared.contracts.catalog import (
    Location,
    LocationKind,
    Product,
    StorageClass,
    Warehouse,
)
from lotledger.shared.identifiers import MAX_QTY, PRINTABLE, WarehouseId

Name = Annotated[
    str,
    StringConstraints(min_length=1, max_length=120, strip_whitespace=True, pattern=PRINTABLE),
]
Celsius = Annotated[float, Field(ge=-80, le=60, allow_inf_nan=False, strict=True)]
Percent = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False, strict=True)]


ReorderPoint = Annotated[int, Field(ge=0, le=MAX_QTY, strict=True)]
MaxStock = Annotated[int, Field(gt=0, le=MAX_QTY, strict=True)]
ShelfDays = Annotated[
    int,
    Field(ge=0, le=3650, strict=True, description="minimum remaining shelf life for shipping"),
]

LeadTimeDays = Annotated[
    int, Field(ge=0, le=3650, strict=True, description="replenishment lead time in days")
]
ServiceLevel = Annotated[
    float,
    Field(
        gt=0,
        lt=1,
        allow_inf_nan=False,
        description="chance of no stock-out during a lead time (default 0.95)",
    ),
]


def _ordered(reorder_point: int | None, max_stock: int | None, where: str) -> None:
    if reorder_point is not None and max_stock is not None and reorder_point > max_stock:
        raise ValueError(f"reorder_point must not exceed max_stock{where}")


class WarehouseThresholdsBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reorder_point: ReorderPoint | None = None
    max_stock: MaxStock | None = None
    min_remaining_days: ShelfDays | None = None
    lead_time_days: LeadTimeDays | None = None
    service_level: ServiceLevel | None = None


class ProductBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    storage_class: StorageClass
    rx: StrictBool
    reorder_point: ReorderPoint | None = None
    max_stock: MaxStock | None = None
    min_remaining_days: ShelfDays | None = None
    inspect_receipts: StrictBool | None = Field(
        default=None,
        description="receipts land pending_inspection (true) or available (false); absent: "
        "the receiving warehouse's default",
    )
    warehouses: (
        Annotated[dict[WarehouseId, WarehouseThresholdsBody], Field(max_length=200)] | None
    ) = Field(default=None, description="per-warehouse overrides of the thresholds")
    serialised: StrictBool | None = Field(
        default=None,
        description="packs are managed by serial: receipts, picks and returns name them "
        "(docs/adr/0016-serials.md)",
    )
    near_expiry_days: (
        Annotated[
            list[Annotated[int, Field(gt=0, le=3650, strict=True)]],
            Field(min_length=1, max_length=6),
        ]
        | None
    ) = Field(default=None, description="near-expiry alert tiers in days, e.g. [180, 90, 30]")
    unit_cost: UnitCost | None = Field(
        default=None, description="default cost of one base unit, for lots received without one"
    )
    currency: CurrencyCode | None = currency_field()
    _priced = field_validator("currency")(priced)
    lead_time_days: LeadTimeDays | None = None
    service_level: ServiceLevel | None = None
    expiry_risk_qty: ReorderPoint | None = Field(
        default=None, description="expiry_risk alerts when more units than this are at risk"
    )
    expiry_risk_value: UnitCost | None = Field(
        default=None,
        description="expiry_risk alerts when the value at risk (in `currency`) exceeds this",
    )

    @model_validator(mode="after")
    def _thresholds(self) -> Self:
        if self.expiry_risk_value is not None and self.currency is None:
            raise ValueError("expiry_risk_value needs the product's currency")
        _ordered(self.reorder_point, self.max_stock, "")
        for warehouse, own in (self.warehouses or {}).items():
            _ordered(
                self.reorder_point if own.reorder_point is None else own.reorder_point,
                self.max_stock if own.max_stock is None else own.max_stock,
                f" in {warehouse}",
            )
        if self.near_expiry_days is not None:
            if len(set(self.near_expiry_days)) != len(self.near_expiry_days):
                raise ValueError("near_expiry_days must be distinct")
            self.near_expiry_days = sorted(self.near_expiry_days, reverse=True)
        return self

    def product(self, gtin: str) -> Product:
        return Product.model_validate({"gtin": gtin, **self.model_dump(exclude_none=True)})


class WarehouseBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    inspect_receipts: StrictBool = Field(
        default=False,
        description="receipts land pending_inspection unless the product says otherwise",
    )

    def warehouse(self, warehouse_id: str) -> Warehouse:
        return Warehouse(warehouse=warehouse_id, **self.model_dump())


class LocationBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    warehouse: WarehouseId
    name: Name
    kind: LocationKind
    storage_class: StorageClass
    temp_min_c: Celsius
    temp_max_c: Celsius
    humidity_min_pct: Percent | None = None
    humidity_max_pct: Percent | None = None
    timezone: Annotated[str, Field(min_length=1, max_length=64)] = "UTC"

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA time zone {value!r}") from exc
        return value

    @model_validator(mode="after")
    def _ranges(self) -> Self:
        if self.temp_min_c >= self.temp_max_c:
            raise ValueError("temp_min_c must be below temp_max_c")
        low, high = self.humidity_min_pct, self.humidity_max_pct
        if low is not None and high is not None and low >= high:
            raise ValueError("humidity_min_pct must be below humidity_max_pct")
        return self

    def location(self, location_id: str, ranges: ClassRanges) -> Location:
        if location_id.split("/", 1)[0] != self.warehouse:
            raise LocationIdMismatch(
                f"location id {location_id} does not start with warehouse {self.warehouse}/",
                field="location_id",
            )
        location = Location(location_id=location_id, **self.model_dump())
        if not ranges.location_within_class(location):
            low, high = ranges.range_of(self.storage_class)
            raise LocationOutsideClassRange(
                f"{self.storage_class.value} locations must stay within "
                f"{'-∞' if low is None else low}–{high} °C",
                field="temp_max_c" if high is not None and self.temp_max_c > high else "temp_min_c",
            )
        return location
