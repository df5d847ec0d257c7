from datetime import date, timedelta

import pytest

from lotledger.inventory.domain import commands as c
from lotledger.inventory.domain import errors as e
from lotledger.inventory.domain.workspace import Workspace
from lotledger.shared.contracts.stock import Picked, RecallClass
from tests.unit.inventory.fixtures import COLD_GTIN, TODAY, facts

A = "WH1/COLD-A/01"
B = "WH1/COLD-A/02"
Q = "WH1/COLD-Q/01"


def stock(ws: Workspace, lot: str, expiry: date, qty: int, location: str = A) -> None:
    ws.execute(c.ReceiveStock(COLD_GTIN, lot, expiry, qty, location, "S1"), facts())


def fefo_pick(qty: int, location: str | None = None, min_days: int = 0) -> c.PickStock:
    return c.PickStock(
        COLD_GTIN,
        qty,
        "SO-9",
        "9506000000022",
        location=location,
        warehouse="WH1",
        min_remaining_days=min_days,
    )


def allocations(ws: Workspace, command: c.PickStock) -> list[tuple[str, str, int]]:
    out = []
    for p in ws.execute(command, facts()):
        assert isinstance(p.event, Picked)
        out.append((p.event.lot, p.event.location, p.event.qty))
    return out


def test_earliest_expiry_is_taken_first() -> None:
    ws = Workspace()
    stock(ws, "LATE", date(2027, 12, 31), 10)
    stock(ws, "EARLY", date(2027, 3, 31), 10)
    stock(ws, "MID", date(2027, 6, 30), 10)
    assert allocations(ws, fefo_pick(4)) == [("EARLY", A, 4)]


def test_allocation_splits_across_lots_and_locations() -> None:
    ws = Workspace()
    stock(ws, "EARLY", date(2027, 3, 31), 3, A)
    stock(ws, "EARLY", date(2027, 3, 31), 2, B)
    stock(ws, "MID", date(2027, 6, 30), 10, A)
    assert allocations(ws, fefo_pick(8)) == [("EARLY", B, 2), ("EARLY", A, 3), ("MID", A, 3)]
    assert ws.get(COLD_GTIN, "EARLY").total == 0


def test_unavailable_expired_and_short_dated_lots_are_skipped() -> None:
    ws = Workspace()
    stock(ws, "QUAR", date(2027, 1, 31), 5)
    stock(ws, "RECALL", date(2027, 2, 28), 5)
    stock(ws, "EXPIRES-TODAY", TODAY, 5)
    stock(ws, "SHORT", TODAY + timedelta(days=20), 5)
    stock(ws, "INQ", date(2027, 3, 15), 5, Q)
    ws.execute(c.ReleaseBatch(COLD_GTIN, "INQ"), facts())
    stock(ws, "GOOD", date(2027, 4, 30), 5)
    ws.execute(c.QuarantineBatch(COLD_GTIN, "QUAR"), facts())
    ws.execute(c.RecallBatch(COLD_GTIN, "RECALL", "R1", RecallClass.II, "x"), facts())
    tomorrow = facts(now=facts().now + timedelta(days=1))
    picked = ws.execute(fefo_pick(5, min_days=30), tomorrow)
    assert [(p.event.lot, p.event.qty) for p in picked] == [("GOOD", 5)]  # type: ignore[attr-defined]


def test_short_eligible_stock_refuses_with_what_is_available() -> None:
    ws = Workspace()
    stock(ws, "L1", date(2027, 3, 31), 3)
    stock(ws, "L2", date(2027, 4, 30), 4)
    with pytest.raises(e.InsufficientStock) as info:
        ws.execute(fefo_pick(8), facts())
    assert info.value.context == {"available": 7, "requested": 8}
    assert ws.get(COLD_GTIN, "L1").total == 3


def test_location_scope_limits_the_allocation() -> None:
    ws = Workspace()
    stock(ws, "EARLY", date(2027, 3, 31), 3, A)
    stock(ws, "LATE", date(2027, 9, 30), 3, B)
    assert allocations(ws, fefo_pick(2, location=B)) == [("LATE", B, 2)]


def test_explicit_later_lot_is_marked_as_fefo_deviation() -> None:
    ws = Workspace()
    stock(ws, "EARLY", date(2027, 3, 31), 3)
    stock(ws, "LATE", date(2027, 9, 30), 3)
    [late] = ws.execute(c.PickStock(COLD_GTIN, 1, "SO", "P1", lot="LATE", location=A), facts())
    [early] = ws.execute(c.PickStock(COLD_GTIN, 1, "SO", "P1", lot="EARLY", location=A), facts())
    assert isinstance(late.event, Picked)
    assert late.event.fefo_deviation
    assert isinstance(early.event, Picked)
    assert not early.event.fefo_deviation


def test_no_deviation_when_the_earlier_lot_is_not_available() -> None:
    ws = Workspace()
    stock(ws, "EARLY", date(2027, 3, 31), 3)
    stock(ws, "LATE", date(2027, 9, 30), 3)
    ws.execute(c.QuarantineBatch(COLD_GTIN, "EARLY"), facts())
    [late] = ws.execute(c.PickStock(COLD_GTIN, 1, "SO", "P1", lot="LATE", location=A), facts())
    assert isinstance(late.event, Picked)
    assert not late.event.fefo_deviation


def test_an_earlier_lot_in_another_bin_of_the_warehouse_makes_a_deviation() -> None:
    ws = Workspace()
    stock(ws, "EARLY", date(2027, 3, 31), 3, B)
    stock(ws, "LATE", date(2027, 9, 30), 3, A)
    [late] = ws.execute(c.PickStock(COLD_GTIN, 1, "SO", "P1", lot="LATE", location=A), facts())
    assert isinstance(late.event, Picked)
    assert late.event.fefo_deviation


def test_an_earlier_lot_in_another_warehouse_makes_no_deviation() -> None:
    ws = Workspace()
    stock(ws, "EARLY", date(2027, 3, 31), 3, "WH2/COLD-A/01")
    stock(ws, "LATE", date(2027, 9, 30), 3, A)
    [late] = ws.execute(c.PickStock(COLD_GTIN, 1, "SO", "P1", lot="LATE", location=A), facts())
    assert isinstance(late.event, Picked)
    assert not late.event.fefo_deviation
