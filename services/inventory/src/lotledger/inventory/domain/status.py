"""QA decisions about a whole batch: release, quarantine, reject, recall."""

from __future__ import annotations

from typing import Any

from lotledger.inventory.domain import commands as c
from lotledger.inventory.domain import errors as e
from lotledger.inventory.domain.facts import Batches, Decision, Facts, common, existing
from lotledger.shared.contracts import stock as ev
from lotledger.shared.contracts.stock import BatchStatus

STATUS_FROM: dict[type[Any], frozenset[BatchStatus]] = {
    c.ReleaseBatch: frozenset({BatchStatus.QUARANTINED}),
    c.QuarantineBatch: frozenset({BatchStatus.AVAILABLE}),
    c.RejectBatch: frozenset({BatchStatus.AVAILABLE, BatchStatus.QUARANTINED}),
    c.RecallBatch: frozenset(
        {BatchStatus.AVAILABLE, BatchStatus.QUARANTINED, BatchStatus.REJECTED}
    ),
}
"""The batch statuses each QA command may start from."""


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
