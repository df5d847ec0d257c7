"""Stock changing place or quantity inside the warehouse: moves, adjustments, counts and
disposals. Each acts on one holding (`available` unless the command names another); a
move keeps the holding status. Back-dated commands are judged against the holding's
quantities from their scanned time on (timeline.py)."""

from __future__ import annotations

from lotledger.inventory.domain import commands as c
from lotledger.inventory.domain import errors as e
from lotledger.inventory.domain.facts import (
    AVAILABLE,
    Batches,
    Decision,
    Facts,
    common,
    existing,
    fits,
    quantities,
    scanned,
    take,
)
from lotledger.inventory.domain.receiving import check_barcode_expiry
from lotledger.shared.contracts import stock as ev
from lotledger.shared.contracts.stock import HoldingStatus


def _member(holding: HoldingStatus) -> HoldingStatus | None:
    """An event's `holding_status` member: absent for the available holding."""
    return None if holding is AVAILABLE else holding


def move(cmd: c.MoveStock, batches: Batches, facts: Facts) -> Decision:
    if cmd.from_location == cmd.to_location:
        raise e.SameLocation("from_location and to_location are the same", field="to_location")
    facts.location(cmd.from_location, "from_location")
    fits(facts, cmd.gtin, facts.location(cmd.to_location, "to_location"), "to_location")
    state = existing(batches, cmd.gtin, cmd.lot)
    check_barcode_expiry(state, cmd.barcode_expiry)
    since = scanned(cmd)
    take(batches, state, cmd.from_location, cmd.qty, holding=cmd.holding_status, since=since)
    moved = ev.Moved(
        **common(cmd, facts),
        qty=cmd.qty,
        from_location=cmd.from_location,
        to_location=cmd.to_location,
        holding_status=_member(cmd.holding_status),
        serial=cmd.serial,
        serials=list(cmd.serials) or None,
    )
    return [(state, moved)]


def adjust(cmd: c.AdjustStock, batches: Batches, facts: Facts) -> Decision:
    facts.location(cmd.location)
    state = existing(batches, cmd.gtin, cmd.lot)
    if cmd.delta < 0:
        since = scanned(cmd)
        take(
            batches,
            state,
            cmd.location,
            -cmd.delta,
            field="delta",
            holding=cmd.holding_status,
            since=since,
        )
    adjusted = ev.Adjusted(
        **common(cmd, facts),
        location=cmd.location,
        delta=cmd.delta,
        reason=cmd.reason,
        holding_status=_member(cmd.holding_status),
        sync_conflict=cmd.sync_conflict,
    )
    return [(state, adjusted)]


def count(cmd: c.CountStock, batches: Batches, facts: Facts) -> Decision:
    """The variance is the count less what the holding held when it was counted; what
    moved since (picks between the count and its posting) stays moved."""
    facts.location(cmd.location)
    state = existing(batches, cmd.gtin, cmd.lot)
    since = scanned(cmd)
    expected, least = quantities(batches, state, cmd.location, cmd.holding_status, since)
    variance = cmd.counted_qty - expected
    if least + variance < 0:
        raise e.InsufficientStock(
            f"a count of {cmd.counted_qty} at {cmd.location} leaves too little for what was "
            f"taken from it since ({expected - least})",
            field="counted_qty",
            available=least,
            requested=-variance,
        )
    moved_since = state.at(cmd.location, cmd.holding_status) - expected
    counted = ev.Counted(
        **common(cmd, facts),
        location=cmd.location,
        counted_qty=cmd.counted_qty,
        expected_qty=expected,
        variance=variance,
        stocktake_id=cmd.stocktake_id,
        holding_status=_member(cmd.holding_status),
        moved_since=moved_since or None,
    )
    return [(state, counted)]


def dispose(cmd: c.DisposeStock, batches: Batches, facts: Facts) -> Decision:
    facts.location(cmd.location)
    state = existing(batches, cmd.gtin, cmd.lot)
    since = scanned(cmd)
    take(batches, state, cmd.location, cmd.qty, holding=cmd.holding_status, since=since)
    disposed = ev.Disposed(
        **common(cmd, facts),
        location=cmd.location,
        qty=cmd.qty,
        reason=cmd.reason,
        witness=cmd.witness,
        holding_status=_member(cmd.holding_status),
        serials=list(cmd.serials) or None,
    )
    return [(state, disposed)]
