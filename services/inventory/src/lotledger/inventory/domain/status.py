"""QA decisions: about a whole batch (release, quarantine, reject, recall) and about the
stock of one holding (hold, release, reject: docs/adr/0011-holdings.md)."""

from __future__ import annotations

from typing import Any

from lotledger.inventory.domain import commands as c
from lotledger.inventory.domain import errors as e
from lotledger.inventory.domain.facts import (
    Batches,
    Decision,
    Facts,
    common,
    existing,
    quantities,
    scanned,
    take,
)
from lotledger.shared.contracts import stock as ev
from lotledger.shared.contracts.stock import BatchStatus, HoldingStatus

H = HoldingStatus
STATUS_FROM: dict[type[Any], frozenset[BatchStatus]] = {
    c.ReleaseBatch: frozenset({BatchStatus.QUARANTINED}),
    c.QuarantineBatch: frozenset({BatchStatus.AVAILABLE}),
    c.RejectBatch: frozenset({BatchStatus.AVAILABLE, BatchStatus.QUARANTINED}),
    c.RecallBatch: frozenset(
        {BatchStatus.AVAILABLE, BatchStatus.QUARANTINED, BatchStatus.REJECTED}
    ),
}
"""The batch statuses each batch-wide QA command may start from."""

HOLDING_FROM: dict[type[Any], frozenset[HoldingStatus]] = {
    c.HoldStock: frozenset({H.AVAILABLE}),
    c.ReleaseHolding: frozenset({H.PENDING_INSPECTION, H.RETURNED, H.HELD}),
    c.RejectHolding: frozenset({H.AVAILABLE, H.PENDING_INSPECTION, H.RETURNED, H.HELD}),
}
"""The holding statuses each holding decision may take stock from."""

HOLDING_TO: dict[type[Any], HoldingStatus] = {
    c.HoldStock: H.HELD,
    c.ReleaseHolding: H.AVAILABLE,
    c.RejectHolding: H.REJECTED,
}


def change_status(cmd: c.StatusCommand, batches: Batches, facts: Facts) -> Decision:
    state = existing(batches, cmd.gtin, cmd.lot)
    if state.status not in STATUS_FROM[type(cmd)]:
        raise e.InvalidStatusChange(
            f"batch {state.batch_id} is {state.status}; {type(cmd).__name__} is not allowed",
            batch_status=str(state.status),
        )
    fields = common(cmd, facts) | {"by": facts.actor}
    event: ev.StockEvent
    match cmd:
        case c.ReleaseBatch():
            event = ev.Released(**fields, reason=cmd.reason)
        case c.QuarantineBatch():
            event = ev.Quarantined(**fields, reason=cmd.reason)
        case c.RejectBatch():
            event = ev.Rejected(**fields, reason=cmd.reason)
        case c.RecallBatch():
            event = ev.Recalled(
                **fields, recall_id=cmd.recall_id, recall_class=cmd.recall_class, reason=cmd.reason
            )
    return [(state, event)]


def change_holding(cmd: c.HoldingCommand, batches: Batches, facts: Facts) -> Decision:
    """Moves stock of one location between holding statuses, in part or in full (a
    release or rejection without `qty` takes the whole holding)."""
    facts.location(cmd.location)
    state = existing(batches, cmd.gtin, cmd.lot)
    source = cmd.from_status if not isinstance(cmd, c.HoldStock) else H.AVAILABLE
    if source not in HOLDING_FROM[type(cmd)]:
        allowed = ", ".join(sorted(s.value for s in HOLDING_FROM[type(cmd)]))
        raise e.HoldingNotAllowed(
            f"{type(cmd).__name__} takes stock from {allowed}, not {source.value}",
            field="from_status",
        )
    since = scanned(cmd)
    qty = cmd.qty
    if qty is None:
        qty, _ = quantities(batches, state, cmd.location, source, since)
        if qty == 0:
            raise e.InsufficientStock(
                f"{state.batch_id} has nothing {source.value} at {cmd.location}",
                field="from_status",
                available=0,
                requested=0,
            )
    take(batches, state, cmd.location, qty, holding=source, since=since)
    changed = ev.HoldingChanged(
        **common(cmd, facts),
        location=cmd.location,
        qty=qty,
        from_status=source,
        to_status=HOLDING_TO[type(cmd)],
        reason=cmd.reason,
        by=facts.actor,
    )
    return [(state, changed)]
