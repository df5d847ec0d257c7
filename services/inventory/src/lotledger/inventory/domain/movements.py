"""Stock changing place or quantity inside the warehouse: moves, adjustments, counts and
disposals."""

from __future__ import annotations

from lotledger.inventory.domain import commands as c
from lotledger.inventory.domain import errors as e
from lotledger.inventory.domain.facts import Batches, Decision, Facts, common, existing, fits, take
from lotledger.shared.contracts import stock as ev


def move(cmd: c.MoveStock, batches: Batches, facts: Facts) -> Decision:
    if cmd.from_location == cmd.to_location:
        raise e.SameLocation("from_location and to_location are the same", field="to_location")
    facts.location(cmd.from_location, "from_location")
    fits(facts, cmd.gtin, facts.location(cmd.to_location, "to_location"), "to_location")
    state = existing(batches, cmd.gtin, cmd.lot)
    take(state, cmd.from_location, cmd.qty)
    moved = ev.Moved(
        **common(cmd, facts),
        qty=cmd.qty,
        from_location=cmd.from_location,
        to_location=cmd.to_location,
    )
    return [(state, moved)]


def adjust(cmd: c.AdjustStock, batches: Batches, facts: Facts) -> Decision:
    facts.location(cmd.location)
    state = existing(batches, cmd.gtin, cmd.lot)
    if cmd.delta < 0:
        take(state, cmd.location, -cmd.delta, field="delta")
    adjusted = ev.Adjusted(
        **common(cmd, facts), location=cmd.location, delta=cmd.delta, reason=cmd.reason
    )
    return [(state, adjusted)]


def count(cmd: c.CountStock, batches: Batches, facts: Facts) -> Decision:
    facts.location(cmd.location)
    state = existing(batches, cmd.gtin, cmd.lot)
    expected = state.at(cmd.location)
    counted = ev.Counted(
        **common(cmd, facts),
        location=cmd.location,
        counted_qty=cmd.counted_qty,
        expected_qty=expected,
        variance=cmd.counted_qty - expected,
        stocktake_id=cmd.stocktake_id,
    )
    return [(state, counted)]


def dispose(cmd: c.DisposeStock, batches: Batches, facts: Facts) -> Decision:
    facts.location(cmd.location)
    state = existing(batches, cmd.gtin, cmd.lot)
    take(state, cmd.location, cmd.qty)
    disposed = ev.Disposed(
        **common(cmd, facts),
        location=cmd.location,
        qty=cmd.qty,
        reason=cmd.reason,
        witness=cmd.witness,
    )
    return [(state, disposed)]
