from datetime import datetime, timedelta

from lotledger.shared.contracts.stock import (
    Adjusted,
    BatchStatus,
    Counted,
    Moved,
    Received,
    StockEvent,
)
from lotledger.traceability.domain.residence import (
    Exposure,
    Interval,
    apply_event,
    exposure,
    history,
    stock_at,
)
from tests.unit.traceability.lot_history import A1, A2, DAY, GTIN, LOT, Q1, hour, lot_events


def hours(instant: datetime | None) -> float | None:
    return None if instant is None else (instant - DAY).total_seconds() / 3600


def spans(intervals: list[Interval], location: str) -> list[tuple[float | None, float | None, int]]:
    return [(hours(i.start), hours(i.end), i.qty) for i in intervals if i.location == location]


def test_every_quantity_change_closes_one_interval_and_opens_the_next() -> None:
    intervals = history(lot_events())
    assert spans(intervals, A1) == [
        (8, 9, 100),
        (9, 10, 60),
        (10, 12, 40),
        (12, 13, 30),
        (13, None, 29),
    ]
    assert spans(intervals, A2) == [(9, 11, 40), (11, 14, 25), (14, 15, 23), (15, None, 21)]
    assert spans(intervals, Q1) == [(34, None, 5)]
    assert {(i.gtin, i.lot) for i in intervals} == {(GTIN, LOT)}


def test_stock_as_of_past_instants() -> None:
    intervals = history(lot_events())
    assert stock_at(intervals, hour(7.99)) == {}
    assert stock_at(intervals, hour(8)) == {A1: 100}
    assert stock_at(intervals, hour(9.5)) == {A1: 60, A2: 40}
    assert stock_at(intervals, hour(12)) == {A1: 30, A2: 25}
    assert stock_at(intervals, hour(40)) == {A1: 29, A2: 21, Q1: 5}


def test_the_incremental_form_builds_the_same_rows_as_the_whole_history() -> None:
    rows: dict[tuple[str, int], Interval] = {}
    open_now: dict[str, Interval] = {}
    for version, event in enumerate(lot_events(), start=1):
        change = apply_event(open_now, event, version)
        for interval in change.closed + change.opened:
            rows[(interval.location, interval.version)] = interval
        open_now = change.applied_to(open_now)
    assert sorted(rows.values(), key=lambda i: (i.version, i.location)) == sorted(
        history(lot_events()), key=lambda i: (i.version, i.location)
    )
    assert {loc: i.qty for loc, i in open_now.items()} == {A1: 29, A2: 21, Q1: 5}


def test_status_events_and_zero_variances_change_nothing() -> None:
    events = lot_events()
    open_now = {A1: Interval(GTIN, LOT, A1, 29, hour(13), None, 7)}
    assert apply_event(open_now, events[1], 2).closed == ()
    zero = Counted(
        gtin=GTIN, lot=LOT, at=hour(20), location=A1, counted_qty=29, expected_qty=29, variance=0
    )
    change = apply_event(open_now, zero, 12)
    assert (change.closed, change.opened) == ((), ())


def test_emptying_a_location_closes_without_opening() -> None:
    open_now = {A1: Interval(GTIN, LOT, A1, 5, hour(1), None, 1)}
    gone = Adjusted(gtin=GTIN, lot=LOT, at=hour(2), location=A1, delta=-5, reason="lost")
    change = apply_event(open_now, gone, 2)
    assert change.opened == ()
    assert change.closed == (Interval(GTIN, LOT, A1, 5, hour(1), hour(2), 1),)
    assert change.applied_to(open_now) == {}


def test_an_event_stamped_before_the_interval_start_never_makes_it_negative() -> None:
    open_now = {A1: Interval(GTIN, LOT, A1, 5, hour(3), None, 1)}
    skewed = Adjusted(gtin=GTIN, lot=LOT, at=hour(2), location=A1, delta=1, reason="found")
    change = apply_event(open_now, skewed, 2)
    assert change.closed[0].end == hour(3)
    assert change.opened[0].start == hour(3)


def lot(name: str, events: list[tuple[float, str, str | None, int]]) -> list[Interval]:
    """Build a lot's intervals from (hour, to, from, qty) receipts and moves."""
    out: list[StockEvent] = []
    for h, to, frm, qty in events:
        common = {"gtin": GTIN, "lot": name, "at": hour(h), "qty": qty}
        if frm is None:
            expiry = hour(9000).date()
            out.append(
                Received(
                    **common, location=to, expiry=expiry, supplier="S", status=BatchStatus.AVAILABLE
                )
            )
        else:
            out.append(Moved(**common, from_location=frm, to_location=to))
    return history(out)


def test_exposure_is_the_overlap_with_the_excursion_window() -> None:
    start, end = hour(10.5), hour(10.5) + timedelta(minutes=45)
    a = lot("A", [(6, A1, None, 50)])
    b = lot("B", [(6, A2, None, 30), (10.5 + 22.5 / 60, A1, A2, 12)])
    gone = lot("C", [(6, A1, None, 8), (10, A2, A1, 8)])
    assert exposure(a, A1, start, end) == Exposure(45.0, 50)
    assert exposure(b, A1, start, end) == Exposure(22.5, 12)
    assert exposure(gone, A1, start, end) is None
    assert exposure(a, A2, start, end) is None


def test_exposure_reports_the_most_held_while_exposed() -> None:
    intervals = history(lot_events())
    assert exposure(intervals, A1, hour(9.5), hour(12.5)) == Exposure(180.0, 60)
    assert exposure(intervals, A1, hour(12.5), hour(12.5) + timedelta(days=3)) == Exposure(
        3 * 24 * 60, 30
    )
