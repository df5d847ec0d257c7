"""Property: whatever commands arrive, in whatever order, no location goes negative and
every batch's state equals the fold of the events it accepted."""

from collections import defaultdict
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from lotledger.inventory.domain import commands as c
from lotledger.inventory.domain.batch import fold
from lotledger.inventory.domain.workspace import Workspace
from lotledger.shared.contracts.stock import RecallClass, StockEvent
from lotledger.shared.errors import DomainError
from tests.unit.inventory.fixtures import COLD_GTIN, TODAY, facts

LOTS = ["L1", "L2", "L3"]
LOCS = ["WH1/COLD-A/01", "WH1/COLD-A/02", "WH1/COLD-Q/01"]
EXPIRY = {"L1": TODAY + timedelta(days=10), "L2": TODAY + timedelta(days=200), "L3": TODAY}

lots = st.sampled_from(LOTS)
locs = st.sampled_from(LOCS)
qty = st.integers(1, 30)

command = st.one_of(
    st.builds(
        lambda lot, q, loc: c.ReceiveStock(COLD_GTIN, lot, EXPIRY[lot], q, loc, "S1"),
        lots,
        qty,
        locs,
    ),
    st.builds(
        lambda lot, q, loc, days: c.PickStock(
            COLD_GTIN,
            q,
            "SO",
            "P1",
            lot=lot,
            location=loc,
            warehouse="WH1",
            min_remaining_days=days,
        ),
        st.one_of(st.none(), lots),
        qty,
        st.one_of(st.none(), locs),
        st.integers(0, 30),
    ),
    st.builds(lambda lot, q, a, b: c.MoveStock(COLD_GTIN, lot, q, a, b), lots, qty, locs, locs),
    st.builds(
        lambda lot, loc, d: c.AdjustStock(COLD_GTIN, lot, loc, d, "found"),
        lots,
        locs,
        st.integers(-30, 30).filter(bool),
    ),
    st.builds(
        lambda lot, loc, n: c.CountStock(COLD_GTIN, lot, loc, n), lots, locs, st.integers(0, 40)
    ),
    st.builds(
        lambda lot, q, loc: c.ReturnStock(COLD_GTIN, lot, q, loc, "P1", "damaged"), lots, qty, locs
    ),
    st.builds(
        lambda lot, q, loc: c.DisposeStock(COLD_GTIN, lot, q, loc, "damaged"), lots, qty, locs
    ),
    st.builds(lambda lot: c.ReleaseBatch(COLD_GTIN, lot), lots),
    st.builds(lambda lot: c.QuarantineBatch(COLD_GTIN, lot), lots),
    st.builds(lambda lot: c.RecallBatch(COLD_GTIN, lot, "R", RecallClass.III, "x"), lots),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(command, max_size=60), st.lists(st.integers(0, 3), max_size=60))
def test_random_commands_never_go_negative_and_state_is_the_fold(
    commands: list[c.Command], day_offsets: list[int]
) -> None:
    ws = Workspace()
    accepted: dict[str, list[StockEvent]] = defaultdict(list)
    for i, cmd in enumerate(commands):
        now = facts().now + timedelta(days=day_offsets[i] if i < len(day_offsets) else 0)
        before = {s.batch_id: s for s in ws.states()}
        try:
            for pending in ws.execute(cmd, facts(now=now)):
                accepted[pending.batch_id].append(pending.event)
        except DomainError:
            assert {s.batch_id: s for s in ws.states()} == before
        for state in ws.states():
            assert all(q > 0 for q in state.on_hand.values()), state
    for state in ws.states():
        assert fold(state.gtin, state.lot, accepted[state.batch_id]) == state
        assert state.version == len(accepted[state.batch_id])
        assert state.expiry in (None, EXPIRY[state.lot])


@given(st.lists(st.tuples(lots, qty), min_size=1, max_size=10), st.integers(1, 100))
def test_fefo_never_takes_a_later_lot_while_an_earlier_one_has_stock(
    receipts: list[tuple[str, int]], wanted: int
) -> None:
    ws = Workspace()
    for lot, q in receipts:
        ws.execute(c.ReceiveStock(COLD_GTIN, lot, EXPIRY[lot], q, "WH1/COLD-A/01", "S1"), facts())
    on_hand = {s.lot: s.total for s in ws.states()}
    try:
        picked = ws.execute(c.PickStock(COLD_GTIN, wanted, "SO", "P1", warehouse="WH1"), facts())
    except DomainError:
        assert sum(on_hand.values()) < wanted
        return
    taken: dict[str, int] = defaultdict(int)
    for p in picked:
        taken[p.event.lot] += p.event.qty  # type: ignore[attr-defined]
    assert sum(taken.values()) == wanted
    by_expiry = sorted(on_hand, key=lambda lot: EXPIRY[lot])
    partially_taken_seen = False
    for lot in by_expiry:
        if partially_taken_seen:
            assert taken.get(lot, 0) == 0
        if taken.get(lot, 0) < on_hand[lot]:
            partially_taken_seen = True
