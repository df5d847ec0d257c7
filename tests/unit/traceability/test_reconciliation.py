from dataclasses import replace

from lotledger.traceability.domain.reconciliation import Totals, reconcile, totals_of
from lotledger.traceability.domain.residence import history, stock_at
from tests.unit.traceability.lot_history import hour, lot_events


def test_the_totals_of_a_realistic_history() -> None:
    assert totals_of(lot_events()) == Totals(
        received=100, shipped=45, disposed=2, returned=5, adjustments=-2, count_variances=-1
    )


def test_a_realistic_history_balances_against_its_on_hand() -> None:
    on_hand = sum(stock_at(history(lot_events()), hour(48)).values())
    result = reconcile(totals_of(lot_events()), on_hand)
    assert (on_hand, result.difference, result.balances) == (55, 0, True)


def test_a_tampered_on_hand_does_not_balance_and_shows_by_how_much() -> None:
    totals = totals_of(lot_events())
    assert reconcile(totals, 58).difference == -3
    assert reconcile(totals, 54).difference == 1
    assert not reconcile(totals, 54).balances


def test_a_tampered_flow_does_not_balance() -> None:
    totals = replace(totals_of(lot_events()), shipped=44)
    assert reconcile(totals, 55).difference == 1


def test_moves_and_status_events_change_no_total() -> None:
    events = lot_events()
    assert totals_of([events[1], events[2], events[9]]) == Totals()
