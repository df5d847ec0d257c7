"""One decision function per command (receiving, picking, movements, status): given the
batches it touches and the master data, the events to append, or a named refusal."""

from __future__ import annotations

from lotledger.inventory.domain import commands as c
from lotledger.inventory.domain.facts import Batches, Decision, Facts, check_scanned_at
from lotledger.inventory.domain.movements import adjust, count, dispose, move
from lotledger.inventory.domain.picking import pick
from lotledger.inventory.domain.receiving import receive, return_
from lotledger.inventory.domain.serials import check_serials
from lotledger.inventory.domain.status import change_holding, change_status


def decide(cmd: c.Command, batches: Batches, facts: Facts) -> Decision:
    check_scanned_at(cmd, facts)
    check_serials(cmd, facts)
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
        case c.HoldStock() | c.ReleaseHolding() | c.RejectHolding():
            return change_holding(cmd, batches, facts)
        case _:
            return change_status(cmd, batches, facts)
