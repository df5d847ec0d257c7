"""Picks for orders: an explicit lot, or FEFO across a location or a warehouse; and the
return of rejected stock to its supplier (a pick from the `rejected` holding).

`plan` is the one allocation a pick makes; `GET /v1/fefo` previews it with the same
function, so a preview cannot drift from the pick. Only the available holding of an
available batch ships; the shelf life left must reach both the pick's
`min_remaining_days` and the product's minimum in the warehouse. A back-dated pick takes
at most the least each holding held from its scanned time on (timeline.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

from lotledger.inventory.domain import commands as c
from lotledger.inventory.domain import errors as e
from lotledger.inventory.domain.batch import BatchState
from lotledger.inventory.domain.catalog import pickable, today_at
from lotledger.inventory.domain.facts import (
    AVAILABLE,
    Batches,
    Decision,
    Facts,
    common,
    existing,
    quantities,
    scanned,
    take,
    when,
)
from lotledger.inventory.domain.fefo import (
    Allocation,
    Holding,
    allocate,
    available_quantity,
    is_deviation,
)
from lotledger.inventory.domain.receiving import check_barcode_expiry
from lotledger.shared.contracts import stock as ev
from lotledger.shared.contracts.catalog import Location
from lotledger.shared.contracts.stock import BatchStatus, HoldingStatus
from lotledger.shared.identifiers import warehouse_of

Scope = Callable[[str], bool]

_REFUSALS: dict[BatchStatus, type[e.BatchNotAvailable]] = {
    BatchStatus.QUARANTINED: e.BatchQuarantined,
    BatchStatus.REJECTED: e.BatchRejected,
    BatchStatus.RECALLED: e.BatchRecalled,
}


@dataclass(frozen=True)
class PickPlan:
    """What a pick takes where (None when eligible stock is short), how much it could
    take, and whether taking its explicit lot skips an earlier-expiring one."""

    allocations: list[Allocation] | None
    available: int
    deviation: bool


def min_days(facts: Facts, gtin: str, warehouse: str) -> int:
    """The product's minimum remaining shelf life for shipping from `warehouse`: the
    warehouse's override, else the product's (`Product.thresholds_in`, without building
    a record: this runs for every candidate holding)."""
    product = facts.products.get(gtin)
    if product is None:
        return 0
    own = product.warehouses.get(warehouse) if product.warehouses else None
    if own is not None and own.min_remaining_days is not None:
        return own.min_remaining_days
    return product.min_remaining_days or 0


def holdings(
    batches: Batches,
    states: Iterable[BatchState],
    facts: Facts,
    scope: Scope,
    since: datetime | None = None,
) -> list[Holding]:
    """Every holding of `states` in scope, as FEFO sees it at the pick's instant."""
    return list(each_holding(batches, states, facts, scope, since))


def each_holding(
    batches: Batches,
    states: Iterable[BatchState],
    facts: Facts,
    scope: Scope,
    since: datetime | None = None,
) -> Iterator[Holding]:
    """`holdings`, one at a time."""
    instant = since or facts.now
    places: dict[tuple[str, str], tuple[bool, date, int]] = {}
    for state in states:
        if state.expiry is None or state.status is None:
            continue
        held = state.holdings() if state.held else _available(state)
        for loc_id, holding, qty in held:
            if not scope(loc_id) or loc_id not in facts.locations:
                continue
            if since is not None and holding is AVAILABLE:
                _, qty = quantities(batches, state, loc_id, holding, since)
            place = places.get((state.gtin, loc_id))
            if place is None:
                location = facts.locations[loc_id]
                place = places[(state.gtin, loc_id)] = (
                    pickable(location),
                    today_at(location, instant),
                    min_days(facts, state.gtin, location.warehouse),
                )
            yield Holding(
                state.gtin,
                state.lot,
                state.expiry,
                state.status,
                loc_id,
                qty,
                place[0],
                place[1],
                holding,
                place[2],
            )


def _available(state: BatchState) -> Iterator[tuple[str, HoldingStatus, int]]:
    """`state.holdings()` for the usual batch, which holds nothing apart."""
    return ((loc, AVAILABLE, qty) for loc, qty in state.on_hand.items())


def _check_pickable_batch(
    state: BatchState, cmd: c.PickStock, facts: Facts, location: Location
) -> None:
    if state.status in _REFUSALS:
        raise _REFUSALS[state.status](
            f"batch {state.batch_id} is {state.status}", field="lot", batch_status=str(state.status)
        )
    assert state.expiry is not None
    today = today_at(location, when(cmd, facts))
    if state.expiry < today:
        raise e.BatchExpired(
            f"batch {state.batch_id} expired on {state.expiry}",
            field="lot",
            expiry=str(state.expiry),
        )
    required = max(cmd.min_remaining_days, min_days(facts, cmd.gtin, location.warehouse))
    if (state.expiry - today).days < required:
        raise e.ShelfLifeTooShort(
            f"batch {state.batch_id} has {(state.expiry - today).days} days left, "
            f"{required} required",
            field="min_remaining_days",
            remaining_days=(state.expiry - today).days,
        )


def _scope(cmd: c.PickStock, within: Scope | None) -> Scope:
    """The pick's location, else its warehouse; a preview without either (`within` given)
    spans every location `within` admits."""
    if cmd.location is not None:
        return lambda loc: loc == cmd.location
    if cmd.warehouse is not None:
        return lambda loc: warehouse_of(loc) == cmd.warehouse
    if within is not None:
        return within
    return lambda loc: False


def plan(cmd: c.PickStock, batches: Batches, facts: Facts, within: Scope | None = None) -> PickPlan:
    """The pick's allocation. Refuses what no allocation could fix: an unknown product, a
    quarantine location, an explicit lot that is unknown, not available, expired or too
    short-dated. `within` narrows the candidates further (a preview: the token's
    warehouses)."""
    facts.product(cmd.gtin)
    if cmd.location is not None and not pickable(facts.location(cmd.location)):
        raise e.LocationNotPickable(f"{cmd.location} is a quarantine location", field="location")
    outer = _scope(cmd, within)
    scope = outer if within is None else (lambda loc: outer(loc) and within(loc))
    since = scanned(cmd)
    deviation = False
    if cmd.lot is None:
        candidates = holdings(batches, batches.of_gtin(cmd.gtin), facts, scope, since)
    else:
        state = existing(batches, cmd.gtin, cmd.lot)
        check_barcode_expiry(state, cmd.barcode_expiry)
        candidates = holdings(batches, [state], facts, scope, since)
        probe = facts.locations.get(cmd.location or next(iter(state.on_hand), ""))
        if probe is not None:
            _check_pickable_batch(state, cmd, facts, probe)
        if state.expiry is not None:
            expiry = state.expiry
            warehouse = warehouse_of(cmd.location) if cmd.location else cmd.warehouse
            earlier = [
                s
                for s in batches.of_gtin(cmd.gtin)
                if s.expiry is not None and s.expiry < expiry and s.lot != cmd.lot
            ]
            in_warehouse = each_holding(
                batches, earlier, facts, lambda loc: warehouse_of(loc) == warehouse, since
            )
            deviation = is_deviation(in_warehouse, cmd.lot, expiry, cmd.min_remaining_days)
    return PickPlan(
        allocate(candidates, cmd.qty, cmd.min_remaining_days),
        available_quantity(candidates, cmd.min_remaining_days),
        deviation,
    )


def _to_supplier(cmd: c.PickStock, batches: Batches, facts: Facts) -> Decision:
    """Rejected stock leaves only to its supplier (or for disposal): the lot and location
    are named, whatever the batch's status or expiry."""
    if cmd.lot is None or cmd.location is None:
        raise e.HoldingNotAllowed(
            "a pick from the rejected holding names its lot and location", field="lot"
        )
    facts.product(cmd.gtin)
    facts.location(cmd.location)
    state = existing(batches, cmd.gtin, cmd.lot)
    check_barcode_expiry(state, cmd.barcode_expiry)
    take(batches, state, cmd.location, cmd.qty, holding=HoldingStatus.REJECTED, since=scanned(cmd))
    return [(state, _picked(cmd, facts, cmd.lot, cmd.location, cmd.qty, False))]


def _picked(
    cmd: c.PickStock, facts: Facts, lot: str, location: str, qty: int, deviation: bool
) -> ev.Picked:
    return ev.Picked(
        **common(cmd, facts, lot),
        location=location,
        qty=qty,
        order_ref=cmd.order_ref,
        ship_to=cmd.ship_to,
        channel=cmd.channel,
        fefo_deviation=deviation,
        holding_status=None if cmd.holding_status is AVAILABLE else cmd.holding_status,
        serial=cmd.serial,
        serials=list(cmd.serials) or None,
        aggregation=list(cmd.aggregation) or None,
    )


def pick(cmd: c.PickStock, batches: Batches, facts: Facts) -> Decision:
    if cmd.holding_status is HoldingStatus.REJECTED:
        return _to_supplier(cmd, batches, facts)
    if cmd.holding_status is not AVAILABLE:
        raise e.HoldingNotAllowed(
            f"{cmd.holding_status.value} stock is not shipped; QA releases or rejects it",
            field="holding_status",
        )
    planned = plan(cmd, batches, facts)
    if planned.allocations is None:
        where = cmd.location or f"warehouse {cmd.warehouse}"
        raise e.InsufficientStock(
            f"{planned.available} of {cmd.gtin}{'/' + cmd.lot if cmd.lot else ''} can be "
            f"picked at {where}, {cmd.qty} requested",
            field="qty",
            available=planned.available,
            requested=cmd.qty,
        )
    return [
        (
            batches.get(cmd.gtin, a.lot),
            _picked(cmd, facts, a.lot, a.location, a.qty, planned.deviation),
        )
        for a in planned.allocations
    ]
