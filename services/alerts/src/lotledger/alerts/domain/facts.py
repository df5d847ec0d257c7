"""The facts the alert rules read, as the projector keeps them from the stock, catalog,
telemetry and excursion topics. Quantities are in the product's base unit; instants are
aware datetimes; calendar dates are judged in the warehouse's time zone."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple
from zoneinfo import ZoneInfo

from lotledger.shared.clock import local_date
from lotledger.shared.contracts.catalog import Product, WarehouseThresholds
from lotledger.shared.contracts.stock import BatchStatus, Picked, RecallClass
from lotledger.shared.identifiers import batch_id, warehouse_of


@dataclass(frozen=True)
class ProductThresholds:
    """A product's alert thresholds from its catalog record: product defaults and each
    warehouse's overrides (`in_warehouse`). `near_expiry_days` is None while the product
    follows the rules' default tiers, else distinct positive days, most distant first.
    `min_remaining_days` is the shelf life stock needs left to ship: shorter-dated stock
    is not available. The forecast's master data: the default unit `cost` (amount and
    ISO 4217 currency) for lots received without one, lead time and service level
    (per-warehouse overridable), and the `expiry_risk` alert's thresholds."""

    gtin: str
    reorder_point: int | None = None
    max_stock: int | None = None
    near_expiry_days: tuple[int, ...] | None = None
    min_remaining_days: int | None = None
    warehouses: Mapping[str, WarehouseThresholds] = field(default_factory=dict)
    unit_cost: Decimal | None = None
    currency: str | None = None
    lead_time_days: int | None = None
    service_level: float | None = None
    expiry_risk_qty: int | None = None
    expiry_risk_value: Decimal | None = None

    @classmethod
    def from_product(cls, product: Product) -> ProductThresholds:
        """Catalog tiers are normalised rather than refused (the catalog is inventory's to
        validate): sorted most distant first, duplicates and non-positive days dropped, an
        empty list meaning the default tiers."""
        days = sorted({d for d in product.near_expiry_days or () if d > 0}, reverse=True)
        return cls(
            product.gtin,
            product.reorder_point,
            product.max_stock,
            tuple(days) or None,
            product.min_remaining_days,
            dict(product.warehouses or {}),
            product.unit_cost,
            product.currency,
            product.lead_time_days,
            product.service_level,
            product.expiry_risk_qty,
            product.expiry_risk_value,
        )

    def in_warehouse(self, warehouse: str) -> WarehouseThresholds:
        """The thresholds in force in `warehouse`: its overrides, else the product's."""
        own = self.warehouses.get(warehouse) or WarehouseThresholds()
        return WarehouseThresholds(
            reorder_point=self.reorder_point if own.reorder_point is None else own.reorder_point,
            max_stock=self.max_stock if own.max_stock is None else own.max_stock,
            min_remaining_days=self.min_remaining_days
            if own.min_remaining_days is None
            else own.min_remaining_days,
            lead_time_days=self.lead_time_days
            if own.lead_time_days is None
            else own.lead_time_days,
            service_level=self.service_level if own.service_level is None else own.service_level,
        )

    def tiers(self, default: tuple[int, ...]) -> tuple[int, ...]:
        return self.near_expiry_days or default


@dataclass(frozen=True)
class Zones:
    """Each warehouse's IANA time zone, from its locations' catalog records; UTC when
    unknown. Expiry is judged in the zone of the warehouse holding the stock."""

    by_warehouse: Mapping[str, str] = field(default_factory=dict)

    def today(self, warehouse: str, now: datetime) -> date:
        return local_date(now, ZoneInfo(self.by_warehouse.get(warehouse, "UTC")))


class WarehouseStock(NamedTuple):
    """A lot's positive quantities in one warehouse, and the part of them in the available
    holding. A tuple: every evaluation builds one per lot and warehouse."""

    on_hand: int = 0
    available: int = 0


NO_STOCK = WarehouseStock()


@dataclass(frozen=True)
class LotFacts:
    """One batch: its fixed expiry, QA status and stock per location id, and `held`: the
    part of a location's stock in a holding other than available (a return, an incoming
    inspection, a hold, rejected stock; docs/adr/0011-holdings.md), which is not saleable.
    Entries of zero or less in `on_hand` are ignored, so a projector may keep emptied
    locations."""

    gtin: str
    lot: str
    expiry: date
    status: BatchStatus
    on_hand: Mapping[str, int] = field(default_factory=dict)
    held: Mapping[str, int] = field(default_factory=dict)

    @property
    def batch_id(self) -> str:
        return batch_id(self.gtin, self.lot)

    @property
    def by_warehouse(self) -> Mapping[str, WarehouseStock]:
        """What the lot holds in each warehouse where it has stock, worked out once: the
        rules read it for every warehouse of every lot of a product on each evaluation.
        (Kept by hand: `functools.cached_property` takes a lock on every first read.)"""
        try:
            return self.__dict__["_by_warehouse"]  # type: ignore[no-any-return]
        except KeyError:
            pass
        out: dict[str, WarehouseStock] = {}
        held = self.held
        for loc, qty in self.on_hand.items():
            if qty > 0:
                warehouse = warehouse_of(loc)
                on_hand, available = out.get(warehouse, NO_STOCK)
                free = qty - min(held.get(loc, 0), qty) if held else qty
                out[warehouse] = WarehouseStock(on_hand + qty, available + free)
        self.__dict__["_by_warehouse"] = out
        return out

    def warehouses(self) -> list[str]:
        return sorted(self.by_warehouse)

    def on_hand_in(self, warehouse: str) -> dict[str, int]:
        """Positive quantities by location within `warehouse`, locations sorted."""
        return {
            loc: qty
            for loc, qty in sorted(self.on_hand.items())
            if qty > 0 and warehouse_of(loc) == warehouse
        }

    def total(self) -> int:
        return sum(qty for qty in self.on_hand.values() if qty > 0)


@dataclass(frozen=True)
class Shipment:
    """What one consignee (an opaque party id) was shipped from one warehouse of a batch,
    and what it returned into that warehouse. `warehouse` is "" for quantities recorded
    before shipments were kept per warehouse: they count in the totals only."""

    party: str
    warehouse: str
    shipped: int = 0
    returned: int = 0


@dataclass(frozen=True)
class RecallFacts:
    """A recalled batch, its shipments, and `warehouses`: every warehouse that ever held
    stock of it."""

    gtin: str
    lot: str
    recall_id: str
    recall_class: RecallClass
    reason: str
    recalled_at: datetime
    shipments: tuple[Shipment, ...] = ()
    warehouses: frozenset[str] = frozenset()

    @property
    def batch_id(self) -> str:
        return batch_id(self.gtin, self.lot)


@dataclass(frozen=True)
class FefoDeviation:
    """A pick marked `fefo_deviation`; `event_id` is the picked event's CloudEvents id."""

    event_id: str
    gtin: str
    lot: str
    location: str
    qty: int
    order_ref: str
    ship_to: str
    picked_at: datetime

    @classmethod
    def from_picked(cls, event_id: str, event: Picked) -> FefoDeviation:
        return cls(
            event_id,
            event.gtin,
            event.lot,
            event.location,
            event.qty,
            event.order_ref,
            event.ship_to,
            event.at,
        )
