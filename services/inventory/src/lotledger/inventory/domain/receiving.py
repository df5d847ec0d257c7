"""Goods coming in: receipts from suppliers and returns from consignees.

A receipt lands in the `pending_inspection` holding where the product (else the
receiving warehouse) asks for an incoming inspection, otherwise `available`; a receipt
into a recalled or rejected batch is refused. A return lands in the `returned` holding,
assessed on its own while the batch's other stock stays as it was, and is refused beyond
what the party was shipped (net of its returns) unless QA overrides it with a reason.
"""

from __future__ import annotations

from datetime import date

from lotledger.inventory.domain import commands as c
from lotledger.inventory.domain import errors as e
from lotledger.inventory.domain.batch import BatchState
from lotledger.inventory.domain.catalog import today_at
from lotledger.inventory.domain.facts import (
    Batches,
    Decision,
    Facts,
    common,
    existing,
    fits,
    when,
)
from lotledger.shared.contracts import stock as ev
from lotledger.shared.contracts.catalog import Location, LocationKind
from lotledger.shared.contracts.stock import BatchStatus, HoldingStatus

CLOSED_TO_RECEIPTS: dict[BatchStatus, type[e.BatchNotAvailable]] = {
    BatchStatus.RECALLED: e.BatchRecalled,
    BatchStatus.REJECTED: e.BatchRejected,
}


def inspected(facts: Facts, gtin: str, location: Location) -> bool:
    """Whether a receipt of `gtin` at `location` waits for the incoming inspection."""
    own = facts.product(gtin).inspect_receipts
    if own is not None:
        return own
    warehouse = facts.warehouses.get(location.warehouse)
    return warehouse is not None and warehouse.inspect_receipts


def _open_to_receipts(state: BatchState) -> None:
    if state.status in CLOSED_TO_RECEIPTS:
        raise CLOSED_TO_RECEIPTS[state.status](
            f"batch {state.batch_id} is {state.status}; it takes no more receipts",
            field="lot",
            batch_status=str(state.status),
        )


def receive(cmd: c.ReceiveStock, batches: Batches, facts: Facts) -> Decision:
    location = facts.location(cmd.location)
    fits(facts, cmd.gtin, location, "location")
    today = today_at(location, when(cmd, facts))
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
    _open_to_receipts(state)
    if state.exists and state.status is not None:
        status = state.status
    elif location.kind is LocationKind.QUARANTINE:
        status = BatchStatus.QUARANTINED
    else:
        status = BatchStatus.AVAILABLE
    pending = inspected(facts, cmd.gtin, location)
    received = ev.Received(
        **common(cmd, facts),
        location=cmd.location,
        qty=cmd.qty,
        expiry=cmd.expiry,
        manufactured=cmd.manufactured,
        supplier=cmd.supplier,
        reference=cmd.reference,
        status=status,
        holding_status=HoldingStatus.PENDING_INSPECTION if pending else None,
        serial=cmd.serial,
        unit_cost=cmd.unit_cost,
        currency=cmd.currency,
        serials=list(cmd.serials) or None,
        aggregation=list(cmd.aggregation) or None,
    )
    return [(state, received)]


def check_barcode_expiry(state: BatchState, scanned: date | None) -> None:
    """A barcode scanned on a pick, move or return names the batch's own expiry."""
    if scanned is not None and state.expiry is not None and scanned != state.expiry:
        raise e.ExpiryMismatch(
            f"the barcode says {scanned}; batch {state.batch_id} expires {state.expiry}",
            field="barcode",
            expiry=str(state.expiry),
        )


def return_(cmd: c.ReturnStock, batches: Batches, facts: Facts) -> Decision:
    fits(facts, cmd.gtin, facts.location(cmd.location), "location")
    state = existing(batches, cmd.gtin, cmd.lot)
    check_barcode_expiry(state, cmd.barcode_expiry)
    net = batches.shipped_to(state.batch_id, cmd.from_party)
    if cmd.qty > net and cmd.override_reason is None:
        raise e.ReturnExceedsShipped(
            f"{cmd.from_party} was shipped {net} of {state.batch_id} (net of its returns), "
            f"{cmd.qty} returned; QA may override with a reason",
            field="qty",
            shipped=net,
            returned=cmd.qty,
        )
    overridden = cmd.override_reason is not None and cmd.qty > net
    returned = ev.Returned(
        **common(cmd, facts),
        location=cmd.location,
        qty=cmd.qty,
        from_party=cmd.from_party,
        reason=cmd.reason,
        status=state.status or BatchStatus.AVAILABLE,
        holding_status=HoldingStatus.RETURNED,
        serial=cmd.serial,
        serials=list(cmd.serials) or None,
        override_reason=cmd.override_reason if overridden else None,
        override_by=facts.actor if overridden else None,
    )
    return [(state, returned)]
