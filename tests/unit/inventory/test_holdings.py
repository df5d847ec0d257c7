"""Holdings (docs/adr/0011-holdings.md): a return, an inspection or a hold applies to the
stock where it is, not to the batch; QA releases or rejects it, in part or in full;
rejected stock only leaves by disposal or back to its supplier."""

from dataclasses import replace
from datetime import date

import pytest

from lotledger.inventory.domain import commands as c
from lotledger.inventory.domain import errors as e
from lotledger.inventory.domain.workspace import Workspace
from lotledger.shared.contracts.catalog import Warehouse
from lotledger.shared.contracts.stock import (
    BatchStatus,
    HoldingChanged,
    HoldingStatus,
    Picked,
    RecallClass,
    Returned,
)
from lotledger.shared.errors import DomainError
from tests.unit.inventory.fixtures import COLD_GTIN, PRODUCTS, facts

H = HoldingStatus
A = "WH1/COLD-A/01"
B = "WH1/COLD-A/02"
Q = "WH1/COLD-Q/01"
OTHER = "WH2/COLD-A/01"
PHARMACY = "9506000000022"
EXPIRY = date(2027, 6, 30)


def receive(ws: Workspace, qty: int = 10, location: str = A, lot: str = "L1") -> None:
    ws.execute(c.ReceiveStock(COLD_GTIN, lot, EXPIRY, qty, location, "S1"), facts())


def pick(
    qty: int = 1,
    location: str | None = A,
    lot: str | None = "L1",
    holding_status: HoldingStatus = H.AVAILABLE,
) -> c.PickStock:
    warehouse = location.split("/")[0] if location else "WH1"
    return c.PickStock(
        COLD_GTIN,
        qty,
        "SO",
        PHARMACY,
        lot=lot,
        location=location,
        warehouse=warehouse,
        holding_status=holding_status,
    )


def refused(ws: Workspace, command: c.Command, error: type[DomainError]) -> DomainError:
    before = (ws.states(), list(ws.pending))
    with pytest.raises(error) as info:
        ws.execute(command, facts())
    assert (ws.states(), ws.pending) == before
    return info.value


def test_a_one_unit_return_leaves_the_lot_pickable_elsewhere() -> None:
    ws = Workspace()
    receive(ws, location=A)
    receive(ws, location=OTHER)
    ws.execute(pick(qty=3, location=A), facts())
    ws.execute(c.ReturnStock(COLD_GTIN, "L1", 1, Q, PHARMACY, "damaged box"), facts())
    state = ws.get(COLD_GTIN, "L1")
    assert state.status is BatchStatus.AVAILABLE
    assert state.at(Q, H.RETURNED) == 1
    [picked] = ws.execute(pick(qty=2, location=OTHER), facts())
    assert isinstance(picked.event, Picked)
    assert picked.event.location == OTHER
    ws.execute(pick(qty=2, lot=None, location=None), facts())


def test_returned_stock_at_a_pickable_location_is_not_picked_until_released() -> None:
    ws = Workspace()
    receive(ws, qty=2, location=A)
    ws.execute(pick(qty=2), facts())
    ws.execute(c.ReturnStock(COLD_GTIN, "L1", 2, B, PHARMACY, "unopened"), facts())
    refused(ws, pick(qty=1, location=B), e.InsufficientStock)
    refused(ws, pick(qty=1, location=B, holding_status=H.RETURNED), e.HoldingNotAllowed)
    [released] = ws.execute(c.ReleaseHolding(COLD_GTIN, "L1", B, H.RETURNED, 1, "intact"), facts())
    assert isinstance(released.event, HoldingChanged)
    assert (released.event.from_status, released.event.to_status) == (H.RETURNED, H.AVAILABLE)
    assert released.event.by == "alice"
    state = ws.get(COLD_GTIN, "L1")
    assert (state.at(B), state.at(B, H.RETURNED), state.on_hand[B]) == (1, 1, 2)
    ws.execute(pick(qty=1, location=B), facts())


def test_rejected_stock_only_leaves_by_disposal_or_back_to_its_supplier() -> None:
    ws = Workspace()
    receive(ws, qty=5)
    ws.execute(c.HoldStock(COLD_GTIN, "L1", A, 3, "crushed"), facts())
    ws.execute(c.RejectHolding(COLD_GTIN, "L1", A, H.HELD, None, "not fit"), facts())
    state = ws.get(COLD_GTIN, "L1")
    assert (state.at(A), state.at(A, H.REJECTED)) == (2, 3)
    refused(ws, c.ReleaseHolding(COLD_GTIN, "L1", A, H.REJECTED), e.HoldingNotAllowed)
    refused(ws, pick(qty=3), e.InsufficientStock)
    refused(ws, pick(qty=1, lot=None, holding_status=H.REJECTED), e.HoldingNotAllowed)
    [back] = ws.execute(pick(qty=2, holding_status=H.REJECTED), facts())
    assert isinstance(back.event, Picked)
    assert back.event.holding_status is H.REJECTED
    ws.execute(c.DisposeStock(COLD_GTIN, "L1", 1, A, "damaged", holding_status=H.REJECTED), facts())
    assert ws.get(COLD_GTIN, "L1").held == {}


def test_incoming_inspection_holds_a_receipt_out_of_fefo_until_accepted() -> None:
    ws = Workspace()
    inspected = {COLD_GTIN: PRODUCTS[COLD_GTIN].model_copy(update={"inspect_receipts": True})}
    f = replace(facts(), products={**PRODUCTS, **inspected})
    ws.execute(c.ReceiveStock(COLD_GTIN, "L1", EXPIRY, 10, A, "S1"), f)
    assert ws.get(COLD_GTIN, "L1").at(A, H.PENDING_INSPECTION) == 10
    with pytest.raises(e.InsufficientStock):
        ws.execute(pick(qty=1, lot=None), f)
    ws.execute(c.ReleaseHolding(COLD_GTIN, "L1", A, H.PENDING_INSPECTION, 6, "ok"), f)
    ws.execute(c.RejectHolding(COLD_GTIN, "L1", A, H.PENDING_INSPECTION, None, "leaking"), f)
    state = ws.get(COLD_GTIN, "L1")
    assert (state.at(A), state.at(A, H.REJECTED), state.at(A, H.PENDING_INSPECTION)) == (6, 4, 0)
    [picked] = ws.execute(pick(qty=6, lot=None), f)
    assert isinstance(picked.event, Picked)
    assert picked.event.qty == 6


def test_the_warehouse_default_decides_inspection_unless_the_product_says() -> None:
    wh1 = {"WH1": Warehouse(warehouse="WH1", name="Main", inspect_receipts=True)}
    f = replace(facts(), warehouses=wh1)
    ws = Workspace()
    ws.execute(c.ReceiveStock(COLD_GTIN, "L1", EXPIRY, 4, A, "S1"), f)
    ws.execute(c.ReceiveStock(COLD_GTIN, "L1", EXPIRY, 4, OTHER, "S1"), f)
    exempt = PRODUCTS[COLD_GTIN].model_copy(update={"inspect_receipts": False})
    ws.execute(
        c.ReceiveStock(COLD_GTIN, "L2", EXPIRY, 4, A, "S1"),
        replace(f, products={**PRODUCTS, COLD_GTIN: exempt}),
    )
    assert ws.get(COLD_GTIN, "L1").at(A, H.PENDING_INSPECTION) == 4
    assert ws.get(COLD_GTIN, "L1").at(OTHER) == 4
    assert ws.get(COLD_GTIN, "L2").at(A) == 4


def test_a_return_beyond_what_was_shipped_is_refused_unless_qa_overrides() -> None:
    ws = Workspace()
    receive(ws)
    refused(
        ws, c.ReturnStock(COLD_GTIN, "L1", 1, Q, PHARMACY, "never shipped"), e.ReturnExceedsShipped
    )
    ws.execute(pick(qty=3), facts())
    ws.execute(c.ReturnStock(COLD_GTIN, "L1", 2, Q, PHARMACY, "surplus"), facts())
    err = refused(
        ws, c.ReturnStock(COLD_GTIN, "L1", 2, Q, PHARMACY, "again"), e.ReturnExceedsShipped
    )
    assert (err.field, err.context["shipped"]) == ("qty", 1)
    other = "9506000000039"
    refused(ws, c.ReturnStock(COLD_GTIN, "L1", 1, Q, other, "wrong party"), e.ReturnExceedsShipped)
    [kept] = ws.execute(
        c.ReturnStock(COLD_GTIN, "L1", 2, Q, PHARMACY, "found", override_reason="QA-42"), facts()
    )
    assert isinstance(kept.event, Returned)
    assert (kept.event.override_reason, kept.event.override_by) == ("QA-42", "alice")


def test_receipts_into_a_recalled_or_rejected_batch_are_refused() -> None:
    ws = Workspace()
    receive(ws, lot="L1")
    receive(ws, lot="L2")
    ws.execute(c.RecallBatch(COLD_GTIN, "L1", "R-1", RecallClass.I, "sterility"), facts())
    ws.execute(c.RejectBatch(COLD_GTIN, "L2", "failed QC"), facts())
    for lot, error in (("L1", e.BatchRecalled), ("L2", e.BatchRejected)):
        refused(ws, c.ReceiveStock(COLD_GTIN, lot, EXPIRY, 1, A, "S1"), error)
