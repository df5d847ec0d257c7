"""A batch's warehouse scope is every warehouse it was ever in, folded from its events,
and both batch reads and QA status changes are judged by it (DESIGN §10)."""

from datetime import date

import pytest

from lotledger.inventory.domain import commands as c
from lotledger.inventory.domain.batch import fold
from lotledger.inventory.domain.workspace import Workspace
from lotledger.inventory.service.authorization import authorize, require_batch_scope
from lotledger.shared.auth import Forbidden, Principal, Role
from lotledger.shared.contracts.stock import RecallClass
from tests.unit.inventory.fixtures import COLD_GTIN, facts

WH1, WH2 = "WH1/COLD-A/01", "WH2/COLD-A/01"


def qa(*warehouses: str) -> Principal:
    return Principal("qa-1", frozenset({Role.QA}), frozenset(warehouses))


def through_wh2_into_wh1_and_out() -> Workspace:
    ws = Workspace()
    ws.execute(c.ReceiveStock(COLD_GTIN, "L1", date(2027, 6, 30), 4, WH2, "9506000000015"), facts())
    ws.execute(c.MoveStock(COLD_GTIN, "L1", 4, WH2, WH1), facts())
    ws.execute(c.DisposeStock(COLD_GTIN, "L1", 4, WH1, "damaged"), facts())
    return ws


def test_scope_only_grows_and_equals_the_fold_of_the_stream() -> None:
    ws = through_wh2_into_wh1_and_out()
    state = ws.get(COLD_GTIN, "L1")
    assert state.on_hand == {}
    assert state.warehouses == {"WH1", "WH2"}
    events = [p.event for p in ws.pending]
    assert [fold(COLD_GTIN, "L1", events[:n]).warehouses for n in range(4)] == [
        set(),
        {"WH2"},
        {"WH1", "WH2"},
        {"WH1", "WH2"},
    ]


@pytest.mark.parametrize(
    "command",
    [
        c.ReleaseBatch(COLD_GTIN, "L1"),
        c.QuarantineBatch(COLD_GTIN, "L1"),
        c.RejectBatch(COLD_GTIN, "L1"),
        c.RecallBatch(COLD_GTIN, "L1", "R-1", RecallClass.II, "mislabel"),
    ],
)
def test_status_changes_follow_the_scope_not_the_stock_on_hand(command: c.Command) -> None:
    state = through_wh2_into_wh1_and_out().get(COLD_GTIN, "L1")
    for warehouse in ("WH1", "WH2", "*"):
        authorize(qa(warehouse), command, state)
        require_batch_scope(qa(warehouse), state)
    with pytest.raises(Forbidden):
        authorize(qa("WH3"), command, state)
    with pytest.raises(Forbidden):
        require_batch_scope(qa("WH3"), state)
