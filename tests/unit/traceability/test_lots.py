"""A lot folded event by event: expiry from the first receipt, status as inventory's
aggregate sets it, totals, warehouses ever held, duplicates recognised."""

from collections.abc import Sequence
from datetime import date

from lotledger.shared.contracts.stock import BatchStatus, Moved, Received, StockEvent
from lotledger.traceability.domain.lots import LotState, advance, status_after
from lotledger.traceability.domain.reconciliation import totals_of
from tests.unit.traceability.lot_history import GTIN, LOT, hour, lot_events


def fold(events: Sequence[StockEvent]) -> list[LotState]:
    states, state = [], LotState(GTIN, LOT)
    for version, event in enumerate(events, start=1):
        state = advance(state, event, version, f"h{version}")
        states.append(state)
    return states


def test_status_expiry_totals_and_times_follow_the_stream() -> None:
    events = lot_events()
    states = fold(events)
    assert [s.status for s in states] == [
        BatchStatus.QUARANTINED,
        BatchStatus.AVAILABLE,
        *[BatchStatus.AVAILABLE] * 7,
        BatchStatus.RECALLED,
        BatchStatus.RECALLED,
    ]
    last = states[-1]
    assert (last.expiry, last.version, last.head_hash) == (date(2027, 6, 30), 11, "h11")
    assert (last.first_at, last.last_at) == (hour(8), hour(34))
    assert last.totals == totals_of(events)
    assert last.warehouses == frozenset({"WH1"})


def test_a_later_receipt_never_changes_the_expiry_and_warehouses_only_grow() -> None:
    first = lot_events()[0]
    assert isinstance(first, Received)
    later = first.model_copy(update={"expiry": date(2029, 1, 31), "location": "WH2/COLD-A/01"})
    away = Moved(gtin=GTIN, lot=LOT, at=hour(40), qty=1, from_location="WH2/COLD-A/01",
                 to_location="WH3/COLD-A/01")  # fmt: skip
    last = fold([first, later, away])[-1]
    assert last.expiry == date(2027, 6, 30)
    assert last.warehouses == frozenset({"WH1", "WH2", "WH3"})


def test_versions_already_folded_are_duplicates() -> None:
    state = fold(lot_events()[:3])[-1]
    assert state.is_duplicate(3)
    assert state.is_duplicate(1)
    assert not state.is_duplicate(4)


def test_quantity_events_leave_the_status_alone() -> None:
    assert status_after(BatchStatus.REJECTED, lot_events()[3]) is BatchStatus.REJECTED
