"""What every decision reads besides the batches: the instant, the actor, master data and
the storage-class ranges; and the helpers the decisions share.

Decisions are pure: no I/O, no clock reads. A decision never emits part of its events: it
raises a named refusal before returning anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from lotledger.inventory.domain import commands as c
from lotledger.inventory.domain import errors as e
from lotledger.inventory.domain.batch import BatchState
from lotledger.inventory.domain.catalog import ClassRanges
from lotledger.inventory.domain.policy import StockPolicy
from lotledger.inventory.domain.timeline import NeedHistory, Stamped, dated_after, held_at
from lotledger.shared.contracts import stock as ev
from lotledger.shared.contracts.catalog import Location, Product, Warehouse
from lotledger.shared.contracts.stock import HoldingStatus

AVAILABLE = HoldingStatus.AVAILABLE

Decision = list[tuple[BatchState, ev.StockEvent]]
"""The events to append, each with the state of the batch it is decided against."""


class Batches(Protocol):
    def get(self, gtin: str, lot: str) -> BatchState: ...

    def of_gtin(self, gtin: str) -> Iterable[BatchState]: ...

    def history(self, batch_id: str) -> Sequence[Stamped] | None:
        """The batch's events within the scan horizon; None when they were not loaded."""
        ...

    def shipped_to(self, batch_id: str, party: str) -> int:
        """What `party` was shipped of the batch, net of what it returned."""
        ...


@dataclass(frozen=True)
class Facts:
    now: datetime
    actor: str
    products: Mapping[str, Product]
    locations: Mapping[str, Location]
    policy: StockPolicy = field(default_factory=StockPolicy)
    warehouses: Mapping[str, Warehouse] = field(default_factory=dict)

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


def when(cmd: c.Command, facts: Facts) -> datetime:
    """When `cmd` happened: the device's `scanned_at` (in UTC), else now."""
    return scanned(cmd) or facts.now


def scanned(cmd: c.Command) -> datetime | None:
    """The device's `scanned_at` in UTC: the instant a back-dated command is judged at."""
    return None if cmd.scanned_at is None else cmd.scanned_at.astimezone(UTC)


def check_scanned_at(cmd: c.Command, facts: Facts) -> None:
    """A `scanned_at` lies within the policy's tolerance ahead of now and its horizon
    behind it."""
    scanned = cmd.scanned_at
    if scanned is None:
        return
    policy = facts.policy
    if scanned > facts.now + policy.scan_tolerance:
        raise e.ScannedInFuture(
            f"scanned_at {scanned.isoformat()} is more than {policy.scan_tolerance} ahead "
            f"of the server's clock",
            field="scanned_at",
        )
    if scanned < facts.now - policy.scan_horizon:
        raise e.ScannedTooLongAgo(
            f"scanned_at {scanned.isoformat()} is more than {policy.scan_horizon} ago; "
            "record it as an adjustment",
            field="scanned_at",
        )


def common(cmd: c.Command, facts: Facts, lot: str | None = None) -> dict[str, Any]:
    """The members every stock event of `cmd` carries: the batch (`lot` for a FEFO
    allocation) and when it happened."""
    named = lot if lot is not None else cmd.lot
    assert named is not None
    return {"gtin": cmd.gtin, "lot": named, "at": when(cmd, facts)}


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


def quantities(
    batches: Batches,
    state: BatchState,
    location: str,
    holding: HoldingStatus,
    since: datetime | None,
) -> tuple[int, int]:
    """(what the holding held at `since`, the least it held from then on); both today's
    quantity unless the command is back-dated past recorded events (timeline.py)."""
    if not dated_after(state, since):
        current = state.at(location, holding)
        return current, current
    assert since is not None
    history = batches.history(state.batch_id)
    if history is None:
        raise NeedHistory(state.batch_id)
    return held_at(state, history, location, holding, since)


def take(
    batches: Batches,
    state: BatchState,
    location: str,
    qty: int,
    *,
    field: str = "qty",
    holding: HoldingStatus = AVAILABLE,
    since: datetime | None = None,
) -> None:
    """Refuses taking `qty` from a holding that holds less, now or (back-dated) at any
    instant since the command happened."""
    _, least = quantities(batches, state, location, holding, since)
    if least < qty:
        where = location if holding is AVAILABLE else f"{location} ({holding.value})"
        then = "" if since is None or least == state.at(location, holding) else " since then"
        raise e.InsufficientStock(
            f"{state.batch_id} has {least} at {where}{then}, {qty} requested",
            field=field,
            available=least,
            requested=qty,
        )
