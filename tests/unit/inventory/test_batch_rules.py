"""Every DESIGN §7 rule as a named refusal that leaves the workspace untouched."""

from datetime import date, timedelta

import pytest

from lotledger.inventory.domain import commands as c
from lotledger.inventory.domain import errors as e
from lotledger.inventory.domain.batch import fold
from lotledger.inventory.domain.workspace import Workspace
from lotledger.shared.contracts.stock import BatchStatus, HoldingStatus, Picked, RecallClass
from lotledger.shared.errors import DomainError
from tests.unit.inventory.fixtures import AMBIENT_GTIN, COLD_GTIN, NOW, TODAY, facts

A = "WH1/COLD-A/01"
B = "WH1/COLD-A/02"
Q = "WH1/COLD-Q/01"


def receive(
    ws: Workspace,
    lot: str = "L1",
    qty: int = 10,
    location: str = A,
    expiry: date = date(2027, 6, 30),
    gtin: str = COLD_GTIN,
) -> None:
    ws.execute(c.ReceiveStock(gtin, lot, expiry, qty, location, "9506000000015", "PO-1"), facts())


def pick(
    lot: str | None = "L1", qty: int = 1, location: str | None = A, min_remaining_days: int = 0
) -> c.PickStock:
    return c.PickStock(
        COLD_GTIN,
        qty,
        "SO-1",
        "9506000000022",
        lot=lot,
        location=location,
        warehouse="WH1",
        min_remaining_days=min_remaining_days,
    )


def refused(ws: Workspace, command: c.Command, error: type[DomainError]) -> DomainError:
    before = (ws.states(), list(ws.pending))
    with pytest.raises(error) as info:
        ws.execute(command, facts())
    assert (ws.states(), ws.pending) == before
    return info.value


def test_receipt_creates_an_available_batch_with_its_expiry() -> None:
    ws = Workspace()
    receive(ws)
    state = ws.get(COLD_GTIN, "L1")
    assert (state.expiry, state.status, state.on_hand, state.version) == (
        date(2027, 6, 30),
        BatchStatus.AVAILABLE,
        {A: 10},
        1,
    )


def test_receipt_into_a_quarantine_location_lands_quarantined() -> None:
    ws = Workspace()
    receive(ws, location=Q)
    assert ws.get(COLD_GTIN, "L1").status is BatchStatus.QUARANTINED


def test_expired_goods_are_never_received() -> None:
    ws = Workspace()
    err = refused(
        ws,
        c.ReceiveStock(COLD_GTIN, "L1", TODAY - timedelta(days=1), 5, A, "S1"),
        e.ExpiredOnReceipt,
    )
    assert err.field == "expiry"


def test_receipt_on_the_expiry_day_is_still_accepted() -> None:
    ws = Workspace()
    receive(ws, expiry=TODAY)
    assert ws.get(COLD_GTIN, "L1").total == 10


def test_expiry_is_fixed_by_the_first_receipt() -> None:
    ws = Workspace()
    receive(ws)
    refused(ws, c.ReceiveStock(COLD_GTIN, "L1", date(2027, 7, 31), 5, A, "S1"), e.ExpiryMismatch)


def test_cold_goods_do_not_go_into_ambient_locations() -> None:
    ws = Workspace()
    refused(
        ws,
        c.ReceiveStock(COLD_GTIN, "L1", date(2027, 1, 1), 5, "WH1/AMB-A/01", "S1"),
        e.StorageClassMismatch,
    )
    receive(ws)
    err = refused(ws, c.MoveStock(COLD_GTIN, "L1", 1, A, "WH1/AMB-A/01"), e.StorageClassMismatch)
    assert err.field == "to_location"


def test_ambient_goods_do_not_go_into_cold_rooms() -> None:
    ws = Workspace()
    refused(
        ws, c.ReceiveStock(AMBIENT_GTIN, "P1", date(2027, 1, 1), 5, A, "S1"), e.StorageClassMismatch
    )


def test_stock_outs_never_make_a_location_negative() -> None:
    ws = Workspace()
    receive(ws, qty=3)
    refused(ws, pick(qty=4), e.InsufficientStock)
    refused(ws, c.MoveStock(COLD_GTIN, "L1", 4, A, B), e.InsufficientStock)
    refused(ws, c.DisposeStock(COLD_GTIN, "L1", 4, A, "damaged"), e.InsufficientStock)
    refused(ws, c.AdjustStock(COLD_GTIN, "L1", A, -4, "lost"), e.InsufficientStock)
    refused(ws, pick(qty=1, location=B), e.InsufficientStock)


@pytest.mark.parametrize(
    ("status_command", "error"),
    [
        (c.QuarantineBatch(COLD_GTIN, "L1", "deviation"), e.BatchQuarantined),
        (c.RejectBatch(COLD_GTIN, "L1", "failed QC"), e.BatchRejected),
        (c.RecallBatch(COLD_GTIN, "L1", "R-1", RecallClass.II, "mislabel"), e.BatchRecalled),
    ],
)
def test_unavailable_batches_are_never_picked(
    status_command: c.Command, error: type[DomainError]
) -> None:
    ws = Workspace()
    receive(ws)
    ws.execute(status_command, facts())
    refused(ws, pick(), error)
    refused(ws, pick(lot=None), e.InsufficientStock)


def test_expired_batches_are_never_picked() -> None:
    ws = Workspace()
    receive(ws, expiry=TODAY)
    ws.execute(pick(), facts())
    later = facts(now=NOW + timedelta(days=1))
    with pytest.raises(e.BatchExpired):
        ws.execute(pick(), later)


def test_expiry_is_judged_in_the_warehouse_time_zone() -> None:
    from dataclasses import replace

    from tests.unit.inventory.fixtures import LOCATIONS

    ws = Workspace()
    receive(ws, expiry=TODAY)
    shanghai = {k: v.model_copy(update={"timezone": "Asia/Shanghai"}) for k, v in LOCATIONS.items()}
    late_evening_utc = NOW.replace(hour=17)
    f = facts(now=late_evening_utc)
    with pytest.raises(e.BatchExpired):
        ws.execute(pick(), replace(f, locations=shanghai))
    ws.execute(pick(), f)


def test_picks_respect_min_remaining_days() -> None:
    ws = Workspace()
    receive(ws, expiry=TODAY + timedelta(days=30))
    err = refused(ws, pick(min_remaining_days=31), e.ShelfLifeTooShort)
    assert err.context["remaining_days"] == 30
    ws.execute(pick(min_remaining_days=30), facts())


def test_quarantine_locations_are_never_picked_from() -> None:
    ws = Workspace()
    receive(ws, location=Q)
    ws.execute(c.ReleaseBatch(COLD_GTIN, "L1"), facts())
    refused(ws, pick(location=Q), e.LocationNotPickable)


def test_returns_land_in_their_own_holding_and_recalls_stay_recalled() -> None:
    ws = Workspace()
    receive(ws)
    ws.execute(pick(qty=2), facts())
    ws.execute(c.ReturnStock(COLD_GTIN, "L1", 1, Q, "9506000000022", "wrong item"), facts())
    state = ws.get(COLD_GTIN, "L1")
    assert state.status is BatchStatus.AVAILABLE
    assert (state.at(A), state.at(Q, HoldingStatus.RETURNED)) == (8, 1)
    ws.execute(c.RecallBatch(COLD_GTIN, "L1", "R-9", RecallClass.I, "contamination"), facts())
    ws.execute(c.ReturnStock(COLD_GTIN, "L1", 1, Q, "9506000000022", "recall"), facts())
    assert ws.get(COLD_GTIN, "L1").status is BatchStatus.RECALLED
    refused(ws, c.ReleaseBatch(COLD_GTIN, "L1"), e.InvalidStatusChange)


def test_recall_blocks_picks_at_every_location_at_once() -> None:
    ws = Workspace()
    receive(ws, location=A)
    receive(ws, location="WH2/COLD-A/01")
    ws.execute(c.RecallBatch(COLD_GTIN, "L1", "R-1", RecallClass.I, "sterility"), facts())
    refused(ws, pick(location=A), e.BatchRecalled)
    refused(ws, pick(location="WH2/COLD-A/01"), e.BatchRecalled)


def test_status_changes_follow_the_qa_lifecycle() -> None:
    ws = Workspace()
    receive(ws)
    refused(ws, c.ReleaseBatch(COLD_GTIN, "L1"), e.InvalidStatusChange)
    ws.execute(c.QuarantineBatch(COLD_GTIN, "L1", "temperature"), facts())
    refused(ws, c.QuarantineBatch(COLD_GTIN, "L1"), e.InvalidStatusChange)
    ws.execute(c.ReleaseBatch(COLD_GTIN, "L1", "ok"), facts())
    assert ws.get(COLD_GTIN, "L1").status is BatchStatus.AVAILABLE


def test_count_records_the_variance_and_sets_on_hand() -> None:
    ws = Workspace()
    receive(ws, qty=10)
    [pending] = ws.execute(c.CountStock(COLD_GTIN, "L1", A, 7), facts())
    assert pending.event.model_dump(include={"expected_qty", "variance"}) == {
        "expected_qty": 10,
        "variance": -3,
    }
    assert ws.get(COLD_GTIN, "L1").at(A) == 7


def test_unknown_references_are_named() -> None:
    ws = Workspace()
    refused(ws, pick(), e.UnknownBatch)
    refused(
        ws, c.ReceiveStock("00000000000000", "L1", date(2027, 1, 1), 1, A, "S"), e.UnknownProduct
    )
    err = refused(
        ws,
        c.ReceiveStock(COLD_GTIN, "L1", date(2027, 1, 1), 1, "WH1/NOPE/1", "S"),
        e.UnknownLocation,
    )
    assert err.field == "location"
    refused(ws, c.MoveStock(COLD_GTIN, "L1", 1, A, A), e.SameLocation)


def test_state_is_the_fold_of_its_events() -> None:
    ws = Workspace()
    receive(ws)
    ws.execute(c.MoveStock(COLD_GTIN, "L1", 4, A, B), facts())
    ws.execute(pick(qty=2, location=B), facts())
    events = [p.event for p in ws.pending]
    assert fold(COLD_GTIN, "L1", events) == ws.get(COLD_GTIN, "L1")
    assert isinstance(events[-1], Picked)
