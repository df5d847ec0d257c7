"""Picks for orders: an explicit lot, or FEFO across a location or a warehouse.

`plan` is the one allocation a pick makes; `GET /v1/fefo` previews it with the same
function, so a preview cannot drift from the pick.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from lotledger.inventory.domain import commands as c
from lotledger.inventory.domain import errors as e
from lotledger.inventory.domain.batch import BatchState
from lotledger.inventory.domain.catalog import pickable, today_at
from lotledger.inventory.domain.facts import Batches, Decision, Facts, common, existing
from lotledger.inventory.domain.fefo import (
    Allocation,
    Holding,
    allocate,
    available_quantity,
    is_deviation,
)
from lotledger.shared.contracts import stock as ev
from lotledger.shared.contracts.catalog import Location
from lotledger.shared.contracts.stock import BatchStatus
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


def holdings(batches: Iterable[BatchState], facts: Facts, scope: Scope) -> list[Holding]:
    found = []
    for state in batches:
        if state.expiry is None or state.status is None:
            continue
        for loc_id, qty in state.on_hand.items():
            if not scope(loc_id) or loc_id not in facts.locations:
                continue
            location = facts.locations[loc_id]
            found.append(
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
    return found


def _check_pickable_batch(
    state: BatchState, cmd: c.PickStock, facts: Facts, location: Location
) -> None:
    if state.status in _REFUSALS:
        raise _REFUSALS[state.status](
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
    scope = _scope(cmd, within)
    if within is not None and scope is not within:
        outer = scope
        scope = lambda loc: outer(loc) and within(loc)  # noqa: E731
    every_lot = holdings(batches.of_gtin(cmd.gtin), facts, scope)
    deviation = False
    candidates = every_lot
    if cmd.lot is not None:
        state = existing(batches, cmd.gtin, cmd.lot)
        candidates = [h for h in every_lot if h.lot == cmd.lot]
        probe = facts.locations.get(cmd.location or next(iter(state.on_hand), ""))
        if probe is not None:
            _check_pickable_batch(state, cmd, facts, probe)
        warehouse = warehouse_of(cmd.location) if cmd.location else cmd.warehouse
        in_warehouse = holdings(
            batches.of_gtin(cmd.gtin), facts, lambda loc: warehouse_of(loc) == warehouse
        )
        deviation = state.expiry is not None and is_deviation(
            in_warehouse, cmd.lot, state.expiry, cmd.min_remaining_days
        )
    return PickPlan(
        allocate(candidates, cmd.qty, cmd.min_remaining_days),
        available_quantity(candidates, cmd.min_remaining_days),
        deviation,
    )


def pick(cmd: c.PickStock, batches: Batches, facts: Facts) -> Decision:
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
            ev.Picked(
                **common(cmd, facts, a.lot),
                location=a.location,
                qty=a.qty,
                order_ref=cmd.order_ref,
                ship_to=cmd.ship_to,
                channel=cmd.channel,
                fefo_deviation=planned.deviation,
            ),
        )
        for a in planned.allocations
    ]
