"""A lot's residence in the order things happened, whatever order its events were
recorded in (docs/adr/0012-device-time.md): the intervals and stays recomputed from a
shuffled stream equal those of the same events folded in time order, and quantities at
any instant are those the events stamped up to it add up to."""

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from lotledger.shared.contracts.stock import BatchStatus, Moved, Received, StockEvent
from lotledger.traceability.domain.residence import history, quantity_deltas, stock_at
from lotledger.traceability.domain.residence_rebuild import Stay, rebuilt
from tests.unit.traceability.lot_history import A1, A2, DAY, GTIN, LOT, hour, lot_events


def test_a_receipt_recorded_late_opens_its_interval_where_it_happened() -> None:
    on_time = Received(
        gtin=GTIN, lot=LOT, at=hour(10), location=A1, qty=10, expiry=DAY.date(),
        supplier="S", status=BatchStatus.AVAILABLE,
    )  # fmt: skip
    late = on_time.model_copy(update={"at": hour(8), "qty": 5, "location": A2})
    moved = Moved(gtin=GTIN, lot=LOT, at=hour(9), qty=5, from_location=A2, to_location=A1)
    intervals, stays = rebuilt([(1, on_time), (2, late), (3, moved)])
    assert [(i.location, i.start, i.end, i.qty, i.version) for i in intervals] == [
        (A2, hour(8), hour(9), 5, 2),
        (A1, hour(9), hour(10), 5, 3),
        (A1, hour(10), None, 15, 1),
    ]
    assert stays == [Stay(A2, hour(8), hour(9), 2), Stay(A1, hour(9), None, 3)]


@settings(max_examples=100, deadline=None)
@given(st.permutations(list(enumerate(lot_events(), start=1))))
def test_any_recorded_order_gives_the_time_ordered_residence(
    recorded: list[tuple[int, StockEvent]],
) -> None:
    in_time = sorted(recorded, key=lambda ve: (ve[1].at, ve[0]))
    assert [v for v, _ in in_time] == sorted(v for v, _ in recorded)
    intervals, _ = rebuilt(recorded)
    expected = history(lot_events())
    assert sorted(intervals, key=lambda i: (i.location, i.start)) == sorted(
        expected, key=lambda i: (i.location, i.start)
    )
    for instant in (hour(h) + timedelta(minutes=30) for h in range(40)):
        held: dict[str, int] = {}
        for _, event in in_time:
            if event.at <= instant:
                for location, delta in quantity_deltas(event).items():
                    held[location] = held.get(location, 0) + delta
        assert stock_at(intervals, instant) == {k: v for k, v in held.items() if v > 0}
