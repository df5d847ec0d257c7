"""What every decision reads besides the batches: the instant, the actor, master data and
the storage-class ranges; and the helpers the decisions share.

Decisions are pure: no I/O, no clock reads. A decision never emits part of its events: it
raises a named refusal before returning anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from lotledger.inventory.domain import commands as c
from lotledger.inventory.domain import errors as e
from lotledger.inventory.domain.batch import BatchState
from lotledger.inventory.domain.catalog import ClassRanges
from lotledger.inventory.domain.policy import StockPolicy
from lotledger.shared.contracts import stock as ev
from lotledger.shared.contracts.catalog import Location, Product

Decision = list[tuple[BatchState, ev.StockEvent]]
"""The events to append, each with the state of the batch it is decided against."""


class Batches(Protocol):
    def get(self, gtin: str, lot: str) -> BatchState: ...

    def of_gtin(self, gtin: str) -> Iterable[BatchState]: ...


@dataclass(frozen=True)
class Facts:
    now: datetime
    actor: str
    products: Mapping[str, Product]
    locations: Mapping[str, Location]
    policy: StockPolicy = field(default_factory=StockPolicy)

    @property
    def ranges(self) -> ClassRanges:
        return self.policy.ranges

    def product(self, gtin: str) -> Product:
        if gtin not in self.products:
            raise e.UnknownProduct(f"product {gtin} is not registered", field="gtin", gtin=gtin)
        return self.products[gtin]

    def location(self, location_id: str, field: str = "location") -> Location:
        if location_id not in self.locations:
            raise e.UnknownLocation(
                f"location {location_id} is not registered", field=field, location=location_id
            )
        return self.locations[location_id]


def common(cmd: c.Command, facts: Facts, lot: str | None = None) -> dict[str, Any]:
    """The members every stock event of `cmd` carries: the batch (`lot` for a FEFO
    allocation) and when it happened."""
    named = lot if lot is not None else cmd.lot
    assert named is not None
    return {"gtin": cmd.gtin, "lot": named, "at": facts.now}


def existing(batches: Batches, gtin: str, lot: str) -> BatchState:
    state = batches.get(gtin, lot)
    if not state.exists:
        raise e.UnknownBatch(
            f"batch {gtin}/{lot} has never been received", field="lot", gtin=gtin, lot=lot
        )
    return state


def fits(facts: Facts, gtin: str, location: Location, field: str) -> None:
    product = facts.product(gtin)
    if not facts.ranges.fits(product, location):
        raise e.StorageClassMismatch(
            f"{product.storage_class.value} product {gtin} does not fit {location.location_id} "
            f"({location.temp_min_c}–{location.temp_max_c} °C)",
            field=field,
            product_class=product.storage_class.value,
            location_class=location.storage_class.value,
        )


def take(state: BatchState, location: str, qty: int, field: str = "qty") -> None:
    if state.at(location) < qty:
        raise e.InsufficientStock(
            f"{state.batch_id} has {state.at(location)} at {location}, {qty} requested",
            field=field,
            available=state.at(location),
            requested=qty,
        )
