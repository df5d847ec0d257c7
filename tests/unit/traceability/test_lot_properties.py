"""Properties over arbitrary valid lot histories: residence intervals agree with a plain
simulation of the stock, and the reconciliation balances."""

from datetime import date, timedelta
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from lotledger.shared.contracts.stock import (
    Adjusted,
    BatchStatus,
    Counted,
    Disposed,
    Moved,
    Picked,
    Quarantined,
    Received,
    Returned,
    StockEvent,
)
from lotledger.traceability.domain.reconciliation import reconcile, totals_of
from lotledger.traceability.domain.residence import Interval, apply_event, history, stock_at
from tests.unit.traceability.lot_history import GTIN, LOT, hour

LOCATIONS = ["WH1/COLD-A/01", "WH1/COLD-A/02", "WH1/COLD-Q/01"]
Op = tuple[str, int, int, int, int]

ops = st.lists(
    st.tuples(
        st.sampled_from(["receive", "pick", "move", "adjust", "count", "return", "dispose", "qa"]),
        st.integers(0, 2),
        st.integers(0, 2),
        st.integers(1, 50),
        st.integers(0, 90),
    ),
    max_size=50,
)


def simulate(script: list[Op]) -> tuple[list[StockEvent], list[dict[str, int]]]:
    """Valid events for `script` (stock-outs limited to what is there) and the stock
    after each one."""
    stock: dict[str, int] = {}
    events: list[StockEvent] = []
    after: list[dict[str, int]] = []
    minute = 0
    for kind, i, j, n, gap in script:
        minute += gap
        k = {"gtin": GTIN, "lot": LOT, "at": hour(minute / 60)}
        loc, other, have = LOCATIONS[i], LOCATIONS[j], stock.get(LOCATIONS[i], 0)
        event: StockEvent | None = None
        if kind == "receive":
            event = Received(
                **k,
                location=loc,
                qty=n,
                expiry=date(2030, 1, 31),
                supplier="S",
                status=BatchStatus.AVAILABLE,
            )
        elif kind == "return":
            event = Returned(
                **k, location=loc, qty=n, from_party="C", reason="r", status=BatchStatus.QUARANTINED
            )
        elif kind == "pick" and have:
            event = Picked(**k, location=loc, qty=min(n, have), order_ref="O", ship_to="C")
        elif kind == "dispose" and have:
            event = Disposed(**k, location=loc, qty=min(n, have), reason="expired")
        elif kind == "move" and have and other != loc:
            event = Moved(**k, qty=min(n, have), from_location=loc, to_location=other)
        elif kind == "adjust":
            delta = max(n - 25, -have) or 1
            event = Adjusted(**k, location=loc, delta=delta, reason="found")
        elif kind == "count":
            counted = n % 30
            event = Counted(
                **k, location=loc, counted_qty=counted, expected_qty=have, variance=counted - have
            )
        elif kind == "qa":
            event = Quarantined(**k, by="qa")
        if event is None:
            continue
        events.append(event)
        for location, delta in _deltas(event).items():
            stock[location] = stock.get(location, 0) + delta
            if stock[location] == 0:
                del stock[location]
        after.append(dict(stock))
    return events, after


def _deltas(event: StockEvent) -> dict[str, int]:
    match event:
        case Received() | Returned():
            return {event.location: event.qty}
        case Picked() | Disposed():
            return {event.location: -event.qty}
        case Adjusted():
            return {event.location: event.delta}
        case Counted():
            return {event.location: event.variance}
        case Moved():
            return {event.from_location: -event.qty, event.to_location: event.qty}
    return {}


@settings(max_examples=200)
@given(ops)
def test_stock_as_of_every_event_time_matches_the_simulation(script: list[Op]) -> None:
    events, after = simulate(script)
    intervals = history(events)
    last_index_at = {event.at: i for i, event in enumerate(events)}
    for instant, index in last_index_at.items():
        assert stock_at(intervals, instant) == after[index]
    if events:
        assert stock_at(intervals, events[0].at - timedelta(microseconds=1)) == {}


@settings(max_examples=200)
@given(ops)
def test_intervals_are_positive_and_never_overlap_per_location(script: list[Op]) -> None:
    intervals = history(simulate(script)[0])
    for interval in intervals:
        assert interval.qty > 0
        assert interval.end is None or interval.end >= interval.start
    for location in LOCATIONS:
        here = sorted((i for i in intervals if i.location == location), key=lambda i: i.version)
        assert sum(i.end is None for i in here) <= 1
        for earlier, later in pairwise(here):
            assert earlier.end is not None
            assert earlier.end <= later.start


@settings(max_examples=200)
@given(ops)
def test_every_valid_history_reconciles_with_its_incremental_on_hand(script: list[Op]) -> None:
    events, after = simulate(script)
    open_now: dict[str, Interval] = {}
    for version, event in enumerate(events, start=1):
        open_now = apply_event(open_now, event, version).applied_to(open_now)
    final = after[-1] if after else {}
    assert {loc: interval.qty for loc, interval in open_now.items()} == final
    result = reconcile(totals_of(events), sum(final.values()))
    assert result.balances
