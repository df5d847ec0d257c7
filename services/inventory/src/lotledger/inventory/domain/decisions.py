"""One decision function per command: given the batches it touches and the master data,
return the events to append, or raise a named refusal. Pure: no I/O, no clock reads.

A decision never emits part of its events: it raises before returning anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from lotledger.inventory.domain import commands as c
from lotledger.inventory.domain import errors as e
from lotledger.inventory.domain.batch import BatchState
from lotledger.inventory.domain.catalog import ClassRanges, pickable, today_at
from lotledger.inventory.domain.fefo import Holding, allocate, available_quantity, is_deviation
from lotledger.shared.contracts import stock as ev
from lotledger.shared.contracts.catalog import Location, LocationKind, Product
from lotledger.shared.contracts.stock import BatchStatus
from lotledger.shared.identifiers import warehouse_of

Decision = list[tuple[BatchState, ev.StockEvent]]


class Batches(Protocol):
    def get(self, gtin: str, lot: str) -> BatchState: ...

    def of_gtin(self, gtin: str) -> Iterable[BatchState]: ...


@dataclass(frozen=True)
class Facts:
    now: datetime
    actor: str
    products: Mapping[str, Product]
    locations: Mapping[str, Location]
    ranges: ClassRanges = field(default_factory=ClassRanges)

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


def _existing(batches: Batches, gtin: str, lot: str) -> BatchState:
    state = batches.get(gtin, lot)
    if not state.exists:
        raise e.UnknownBatch(
            f"batch {gtin}/{lot} has never been received", field="lot", gtin=gtin, lot=lot
        )
    return state


def _fits(facts: Facts, gtin: str, location: Location, field: str) -> None:
    product = facts.product(gtin)
    if not facts.ranges.fits(product, location):
        raise e.StorageClassMismatch(
            f"{product.storage_class.value} product {gtin} does not fit {location.location_id} "
            f"({location.temp_min_c}–{location.temp_max_c} °C)",
            field=field,
            product_class=product.storage_class.value,
            location_class=location.storage_class.value,
        )


def _take(state: BatchState, location: str, qty: int, field: str = "qty") -> None:
    if state.at(location) < qty:
        raise e.InsufficientStock(
            f"{state.batch_id} has {state.at(location)} at {location}, {qty} requested",
            field=field,
            available=state.at(location),
            requested=qty,
        )


def receive(cmd: c.ReceiveStock, batches: Batches, facts: Facts) -> Decision:
    location = facts.location(cmd.location)
    _fits(facts, cmd.gtin, location, "location")
    today = today_at(location, facts.now)
    if cmd.expiry < today:
        raise e.ExpiredOnReceipt(f"expiry {cmd.expiry} is before today ({today})", field="expiry")
    made = cmd.manufactured
    if made is not None and made > cmd.expiry:
        raise e.ManufacturedAfterExpiry(
            f"manufactured {made} is after expiry {cmd.expiry}", field="manufactured"
        )
    if made is not None and made > today:
        raise e.ManufacturedInFuture(
            f"manufactured {made} is after today ({today})", field="manufactured"
        )
    state = batches.get(cmd.gtin, cmd.lot)
    if state.exists and state.expiry != cmd.expiry:
        raise e.ExpiryMismatch(
            f"batch {state.batch_id} expires {state.expiry}, not {cmd.expiry}",
            field="expiry",
            expiry=str(state.expiry),
        )
    if state.exists and state.status is not None:
        status = state.status
    elif location.kind is LocationKind.QUARANTINE:
        status = BatchStatus.QUARANTINED
    else:
        status = BatchStatus.AVAILABLE
    return [
        (
            state,
            ev.Received(
                gtin=cmd.gtin,
                lot=cmd.lot,
                at=facts.now,
                location=cmd.location,
                qty=cmd.qty,
                expiry=cmd.expiry,
                manufactured=cmd.manufactured,
                supplier=cmd.supplier,
                reference=cmd.reference,
                status=status,
            ),
        )
    ]


def _holdings(
    batches: Iterable[BatchState], facts: Facts, scope: Callable[[str], bool]
) -> list[Holding]:
    holdings = []
    for state in batches:
        if state.expiry is None or state.status is None:
            continue
        for loc_id, qty in state.on_hand.items():
            if not scope(loc_id) or loc_id not in facts.locations:
                continue
            location = facts.locations[loc_id]
            holdings.append(
                Holding(
                    state.gtin,
                    state.lot,
                    state.expiry,
                    state.status,
                    loc_id,
                    qty,
                    pickable(location),
                    today_at(location, facts.now),
                )
            )
    return holdings


def _check_pickable_batch(
    state: BatchState, cmd: c.PickStock, facts: Facts, location: Location
) -> None:
    refusals: dict[BatchStatus, type[e.BatchNotAvailable]] = {
        BatchStatus.QUARANTINED: e.BatchQuarantined,
        BatchStatus.REJECTED: e.BatchRejected,
        BatchStatus.RECALLED: e.BatchRecalled,
    }
    if state.status in refusals:
        raise refusals[state.status](
            f"batch {state.batch_id} is {state.status}", field="lot", batch_status=str(state.status)
        )
    assert state.expiry is not None
    today = today_at(location, facts.now)
    if state.expiry < today:
        raise e.BatchExpired(
            f"batch {state.batch_id} expired on {state.expiry}",
            field="lot",
            expiry=str(state.expiry),
        )
    if (state.expiry - today).days < cmd.min_remaining_days:
        raise e.ShelfLifeTooShort(
            f"batch {state.batch_id} has {(state.expiry - today).days} days left, "
            f"{cmd.min_remaining_days} required",
            field="min_remaining_days",
            remaining_days=(state.expiry - today).days,
        )


def pick(cmd: c.PickStock, batches: Batches, facts: Facts) -> Decision:
    facts.product(cmd.gtin)
    if cmd.location is not None:
        scope_location = facts.location(cmd.location)
        if not pickable(scope_location):
            raise e.LocationNotPickable(
                f"{cmd.location} is a quarantine location", field="location"
            )

        def in_scope(loc: str) -> bool:
            return loc == cmd.location
    else:
        warehouse = cmd.warehouse

        def in_scope(loc: str) -> bool:
            return warehouse_of(loc) == warehouse

    every_lot = _holdings(batches.of_gtin(cmd.gtin), facts, in_scope)
    if cmd.lot is None:
        candidates = every_lot
        deviation = False
    else:
        state = _existing(batches, cmd.gtin, cmd.lot)
        candidates = [h for h in every_lot if h.lot == cmd.lot]
        probe = facts.locations.get(cmd.location or next(iter(state.on_hand), ""))
        if probe is not None:
            _check_pickable_batch(state, cmd, facts, probe)
        warehouse = warehouse_of(cmd.location) if cmd.location else cmd.warehouse
        in_warehouse = _holdings(
            batches.of_gtin(cmd.gtin), facts, lambda loc: warehouse_of(loc) == warehouse
        )
        deviation = state.expiry is not None and is_deviation(
            in_warehouse, cmd.lot, state.expiry, cmd.min_remaining_days
        )
    allocations = allocate(candidates, cmd.qty, cmd.min_remaining_days)
    if allocations is None:
        available = available_quantity(candidates, cmd.min_remaining_days)
        where = cmd.location or f"warehouse {cmd.warehouse}"
        raise e.InsufficientStock(
            f"{available} of {cmd.gtin}{'/' + cmd.lot if cmd.lot else ''} can be picked at "
            f"{where}, {cmd.qty} requested",
            field="qty",
            available=available,
            requested=cmd.qty,
        )
    return [
        (
            batches.get(cmd.gtin, a.lot),
            ev.Picked(
                gtin=cmd.gtin,
                lot=a.lot,
                at=facts.now,
                location=a.location,
                qty=a.qty,
                order_ref=cmd.order_ref,
                ship_to=cmd.ship_to,
                channel=cmd.channel,
                fefo_deviation=deviation,
            ),
        )
        for a in allocations
    ]


def move(cmd: c.MoveStock, batches: Batches, facts: Facts) -> Decision:
    if cmd.from_location == cmd.to_location:
        raise e.SameLocation("from_location and to_location are the same", field="to_location")
    facts.location(cmd.from_location, "from_location")
    _fits(facts, cmd.gtin, facts.location(cmd.to_location, "to_location"), "to_location")
    state = _existing(batches, cmd.gtin, cmd.lot)
    _take(state, cmd.from_location, cmd.qty)
    return [
        (
            state,
            ev.Moved(
                gtin=cmd.gtin,
                lot=cmd.lot,
                at=facts.now,
                qty=cmd.qty,
                from_location=cmd.from_location,
                to_location=cmd.to_location,
            ),
        )
    ]


def adjust(cmd: c.AdjustStock, batches: Batches, facts: Facts) -> Decision:
    facts.location(cmd.location)
    state = _existing(batches, cmd.gtin, cmd.lot)
    if cmd.delta < 0:
        _take(state, cmd.location, -cmd.delta, field="delta")
    return [
        (
            state,
            ev.Adjusted(
                gtin=cmd.gtin,
                lot=cmd.lot,
                at=facts.now,
                location=cmd.location,
                delta=cmd.delta,
                reason=cmd.reason,
            ),
        )
    ]


def count(cmd: c.CountStock, batches: Batches, facts: Facts) -> Decision:
    facts.location(cmd.location)
    state = _existing(batches, cmd.gtin, cmd.lot)
    expected = state.at(cmd.location)
    return [
        (
            state,
            ev.Counted(
                gtin=cmd.gtin,
                lot=cmd.lot,
                at=facts.now,
                location=cmd.location,
                counted_qty=cmd.counted_qty,
                expected_qty=expected,
                variance=cmd.counted_qty - expected,
                stocktake_id=cmd.stocktake_id,
            ),
        )
    ]


def return_(cmd: c.ReturnStock, batches: Batches, facts: Facts) -> Decision:
    _fits(facts, cmd.gtin, facts.location(cmd.location), "location")
    state = _existing(batches, cmd.gtin, cmd.lot)
    sticky = state.status in (BatchStatus.RECALLED, BatchStatus.REJECTED)
    status = state.status if sticky and state.status else BatchStatus.QUARANTINED
    return [
        (
            state,
            ev.Returned(
                gtin=cmd.gtin,
                lot=cmd.lot,
                at=facts.now,
                location=cmd.location,
                qty=cmd.qty,
                from_party=cmd.from_party,
                reason=cmd.reason,
                status=status,
            ),
        )
    ]


def dispose(cmd: c.DisposeStock, batches: Batches, facts: Facts) -> Decision:
    facts.location(cmd.location)
    state = _existing(batches, cmd.gtin, cmd.lot)
    _take(state, cmd.location, cmd.qty)
    return [
        (
            state,
            ev.Disposed(
                gtin=cmd.gtin,
                lot=cmd.lot,
                at=facts.now,
                location=cmd.location,
                qty=cmd.qty,
                reason=cmd.reason,
                witness=cmd.witness,
            ),
        )
    ]


_STATUS_FROM: dict[type[Any], frozenset[BatchStatus]] = {
    c.ReleaseBatch: frozenset({BatchStatus.QUARANTINED}),
    c.QuarantineBatch: frozenset({BatchStatus.AVAILABLE}),
    c.RejectBatch: frozenset({BatchStatus.AVAILABLE, BatchStatus.QUARANTINED}),
    c.RecallBatch: frozenset(
        {BatchStatus.AVAILABLE, BatchStatus.QUARANTINED, BatchStatus.REJECTED}
    ),
}


def change_status(cmd: c.StatusCommand, batches: Batches, facts: Facts) -> Decision:
    state = _existing(batches, cmd.gtin, cmd.lot)
    if state.status not in _STATUS_FROM[type(cmd)]:
        raise e.InvalidStatusChange(
            f"batch {state.batch_id} is {state.status}; {type(cmd).__name__} is not allowed",
            batch_status=str(state.status),
        )
    common = {"gtin": cmd.gtin, "lot": cmd.lot, "at": facts.now, "by": facts.actor}
    event: ev.StockEvent
    match cmd:
        case c.ReleaseBatch():
            event = ev.Released(**common, reason=cmd.reason)
        case c.QuarantineBatch():
            event = ev.Quarantined(**common, reason=cmd.reason)
        case c.RejectBatch():
            event = ev.Rejected(**common, reason=cmd.reason)
        case c.RecallBatch():
            event = ev.Recalled(
                **common, recall_id=cmd.recall_id, recall_class=cmd.recall_class, reason=cmd.reason
            )
    return [(state, event)]


def decide(cmd: c.Command, batches: Batches, facts: Facts) -> Decision:
    match cmd:
        case c.ReceiveStock():
            return receive(cmd, batches, facts)
        case c.PickStock():
            return pick(cmd, batches, facts)
        case c.MoveStock():
            return move(cmd, batches, facts)
        case c.AdjustStock():
            return adjust(cmd, batches, facts)
        case c.CountStock():
            return count(cmd, batches, facts)
        case c.ReturnStock():
            return return_(cmd, batches, facts)
        case c.DisposeStock():
            return dispose(cmd, batches, facts)
        case _:
            return change_status(cmd, batches, facts)
