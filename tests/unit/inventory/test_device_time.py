"""Device time (docs/adr/0012-device-time.md): a command may carry the scanner's
`scanned_at`; its events record that as `at`; it is refused beyond the tolerance ahead of
the server's clock or the horizon behind it; a back-dated stock-out is judged against
what the holding held from that instant on, and a count against what it held when
counted (later moves stay)."""

from datetime import date, timedelta

import pytest

from lotledger.inventory.domain import commands as c
from lotledger.inventory.domain import errors as e
from lotledger.inventory.domain.batch import BatchState
from lotledger.inventory.domain.timeline import NeedHistory, Stamped
from lotledger.inventory.domain.workspace import Workspace
from lotledger.shared.contracts.stock import BatchStatus, Counted
from tests.unit.inventory.fixtures import COLD_GTIN, NOW, facts

A = "WH1/COLD-A/01"
EXPIRY = date(2027, 6, 30)
H = timedelta(hours=1)


def receipt(qty: int, at: object = None) -> c.ReceiveStock:
    return c.ReceiveStock(COLD_GTIN, "L1", EXPIRY, qty, A, "S1", scanned_at=at)  # type: ignore[arg-type]


def pick(qty: int, at: object = None, lot: str | None = "L1") -> c.PickStock:
    return c.PickStock(
        COLD_GTIN,
        qty,
        "SO",
        "P1",
        lot=lot,
        location=A,
        warehouse="WH1",
        scanned_at=at,  # type: ignore[arg-type]
    )


def test_events_record_when_the_scan_happened() -> None:
    ws = Workspace()
    [pending] = ws.execute(receipt(5, NOW - 2 * H), facts())
    assert pending.event.at == NOW - 2 * H


def test_scanned_at_beyond_the_tolerance_or_the_horizon_is_refused() -> None:
    ws = Workspace()
    with pytest.raises(e.ScannedInFuture) as ahead:
        ws.execute(receipt(5, NOW + timedelta(minutes=6)), facts())
    assert ahead.value.field == "scanned_at"
    with pytest.raises(e.ScannedTooLongAgo):
        ws.execute(receipt(5, NOW - timedelta(days=7, seconds=1)), facts())
    ws.execute(receipt(5, NOW + timedelta(minutes=5)), facts())
    ws.execute(receipt(5, NOW - timedelta(days=7)), facts())


def test_a_back_dated_stock_out_never_makes_an_earlier_instant_negative() -> None:
    ws = Workspace()
    ws.execute(receipt(10), facts())
    ws.execute(pick(8), facts())
    with pytest.raises(e.InsufficientStock):
        ws.execute(pick(1, NOW - H), facts())
    ws.execute(receipt(5, NOW - 2 * H), facts())
    ws.execute(pick(5, NOW - 90 * timedelta(minutes=1)), facts())
    with pytest.raises(e.InsufficientStock) as short:
        ws.execute(pick(1, NOW - 80 * timedelta(minutes=1)), facts())
    assert short.value.context["available"] == 0
    assert ws.get(COLD_GTIN, "L1").at(A) == 2
    ws.execute(pick(2), facts())


def test_a_fefo_pick_back_dated_takes_only_what_each_holding_held_then() -> None:
    ws = Workspace()
    ws.execute(receipt(10), facts())
    with pytest.raises(e.InsufficientStock):
        ws.execute(pick(1, NOW - H, lot=None), facts())
    ws.execute(pick(10, NOW + timedelta(minutes=1), lot=None), facts())


def test_a_back_dated_command_on_a_batch_whose_events_were_not_read_asks_for_them() -> None:
    stored = BatchState(COLD_GTIN, "L1", EXPIRY, BatchStatus.AVAILABLE, {A: 5}, 3, last_at=NOW)
    with pytest.raises(NeedHistory):
        Workspace([stored]).execute(pick(1, NOW - H), facts())
    history = {stored.batch_id: [Stamped(NOW - 3 * H, 1, ((A, c.AVAILABLE, 5),))]}
    Workspace([stored], history).execute(pick(1, NOW - H), facts())
    Workspace([stored]).execute(pick(1, NOW + timedelta(minutes=1)), facts())


def test_a_pick_between_the_count_and_its_posting_survives_the_count() -> None:
    ws = Workspace()
    ws.execute(receipt(10), facts())
    later = facts(now=NOW + 2 * H)
    ws.execute(pick(3, NOW + 90 * timedelta(minutes=1)), later)
    count = c.CountStock(COLD_GTIN, "L1", A, 9, scanned_at=NOW + H)
    [pending] = ws.execute(count, later)
    assert isinstance(pending.event, Counted)
    assert (pending.event.expected_qty, pending.event.variance) == (10, -1)
    assert pending.event.moved_since == -3
    assert ws.get(COLD_GTIN, "L1").at(A) == 6


def test_a_count_contradicting_what_left_afterwards_is_refused() -> None:
    ws = Workspace()
    ws.execute(receipt(10), facts())
    later = facts(now=NOW + 2 * H)
    ws.execute(pick(8, NOW + 90 * timedelta(minutes=1)), later)
    with pytest.raises(e.InsufficientStock):
        ws.execute(c.CountStock(COLD_GTIN, "L1", A, 5, scanned_at=NOW + H), later)
