"""Goods coming in: receipts from suppliers and returns from consignees."""

from __future__ import annotations

from lotledger.inventory.domain import commands as c
from lotledger.inventory.domain import errors as e
from lotledger.inventory.domain.catalog import today_at
from lotledger.inventory.domain.facts import Batches, Decision, Facts, common, existing, fits
from lotledger.shared.contracts import stock as ev
from lotledger.shared.contracts.catalog import LocationKind
from lotledger.shared.contracts.stock import BatchStatus


def receive(cmd: c.ReceiveStock, batches: Batches, facts: Facts) -> Decision:
    location = facts.location(cmd.location)
    fits(facts, cmd.gtin, location, "location")
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
    received = ev.Received(
        **common(cmd, facts),
        location=cmd.location,
        qty=cmd.qty,
        expiry=cmd.expiry,
        manufactured=cmd.manufactured,
        supplier=cmd.supplier,
        reference=cmd.reference,
        status=status,
    )
    return [(state, received)]


def return_(cmd: c.ReturnStock, batches: Batches, facts: Facts) -> Decision:
    fits(facts, cmd.gtin, facts.location(cmd.location), "location")
    state = existing(batches, cmd.gtin, cmd.lot)
    sticky = state.status in (BatchStatus.RECALLED, BatchStatus.REJECTED)
    status = state.status if sticky and state.status else BatchStatus.QUARANTINED
    returned = ev.Returned(
        **common(cmd, facts),
        location=cmd.location,
        qty=cmd.qty,
        from_party=cmd.from_party,
        reason=cmd.reason,
        status=status,
    )
    return [(state, returned)]
