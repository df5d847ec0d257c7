"""low_stock, stock_out and overstock as levels cross the thresholds."""

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

import pytest

from lotledger.alerts.domain.alert import ChangeKind
from lotledger.alerts.domain.facts import LotFacts, ProductThresholds
from lotledger.alerts.domain.levels import ProductStock, StockLevel, product_stock
from lotledger.alerts.domain.rules import evaluate_stock, low_stock, overstock, stock_out
from lotledger.shared.contracts.alerts import AlertType, Severity
from lotledger.shared.contracts.stock import BatchStatus
from tests.unit.alerts.fixtures import (
    A1,
    A2,
    B1,
    GTIN,
    NOW,
    OTHER_GTIN,
    THRESHOLDS,
    ZONES,
    Desk,
    json_native,
    lot,
)

SUBJECT = f"{GTIN}@WH1"


def stock(
    lots: Iterable[LotFacts], now: datetime = NOW, stocked_in: Iterable[str] = ("WH1",)
) -> ProductStock:
    return product_stock(GTIN, lots, stocked_in, ZONES, now)


def test_levels_raise_and_resolve_as_stock_is_picked_and_replenished() -> None:
    desk = Desk()
    steps = [50, 8, 5, 0, 200, 60]
    for n, qty in enumerate(steps):
        now = NOW + timedelta(hours=n)
        evaluation = evaluate_stock(stock([lot(on_hand={A1: qty})], now), THRESHOLDS)
        desk.evaluate(evaluation, now)
        assert desk.evaluate(evaluation, now + timedelta(minutes=5)) == []
    assert desk.summary() == [
        ("raised", "low_stock", SUBJECT, ""),
        ("updated", "low_stock", SUBJECT, ""),
        ("resolved", "low_stock", SUBJECT, ""),
        ("raised", "stock_out", SUBJECT, ""),
        ("resolved", "stock_out", SUBJECT, ""),
        ("raised", "overstock", SUBJECT, ""),
        ("resolved", "overstock", SUBJECT, ""),
    ]
    raised = [c.alert for c in desk.changes if c.kind is ChangeKind.RAISED]
    assert [a.severity for a in raised] == [Severity.WARNING, Severity.CRITICAL, Severity.INFO]
    assert raised[0].details == {
        "gtin": GTIN,
        "warehouse": "WH1",
        "available": 8,
        "on_hand": 8,
        "reorder_point": 10,
        "max_stock": 100,
    }
    assert json_native(dict(raised[0].details))
    assert desk.changes[1].alert.details["available"] == 5
    assert desk.changes[1].alert.alert_id == raised[0].alert_id
    assert desk.open() == []


@pytest.mark.parametrize(
    ("available", "expected"),
    [
        (0, [AlertType.STOCK_OUT]),
        (1, [AlertType.LOW_STOCK]),
        (10, [AlertType.LOW_STOCK]),
        (11, []),
        (99, []),
        (100, [AlertType.OVERSTOCK]),
    ],
)
def test_threshold_edges(available: int, expected: list[AlertType]) -> None:
    evaluation = evaluate_stock(stock([lot(on_hand={A1: available})]), THRESHOLDS)
    assert [c.key.alert_type for c in evaluation.conditions] == expected


def test_only_available_unexpired_stock_counts() -> None:
    lots = [
        lot("GOOD", on_hand={A1: 5}),
        lot("HELD", on_hand={A2: 50}, status=BatchStatus.QUARANTINED),
        lot("OLD", expiry=NOW.date() - timedelta(days=1), on_hand={A1: 70}),
    ]
    assert stock(lots).levels == (StockLevel(GTIN, "WH1", available=5, on_hand=125),)
    (condition,) = low_stock(stock(lots), THRESHOLDS).conditions
    assert condition.details["available"] == 5


def test_a_lot_expiring_at_midnight_makes_a_stock_out_without_any_event() -> None:
    desk = Desk()
    lots = [lot(expiry=date(2026, 3, 31), on_hand={A1: 30})]
    evening = datetime(2026, 3, 31, 23, 0, tzinfo=UTC)
    for now in (evening, evening + timedelta(hours=2)):
        desk.evaluate(evaluate_stock(stock(lots, now), THRESHOLDS), now)
    assert desk.summary() == [("raised", "stock_out", SUBJECT, "")]


def test_stock_out_needs_a_reorder_point_and_a_warehouse_that_held_the_product() -> None:
    empty = [lot(on_hand={})]
    assert stock_out(stock(empty), ProductThresholds(GTIN, max_stock=100)).conditions == ()
    assert stock_out(stock(empty), None).conditions == ()
    assert stock_out(stock(empty, stocked_in=()), THRESHOLDS).conditions == ()
    held_before = stock(empty, stocked_in=("WH1", "WH2"))
    assert [c.key.subject for c in stock_out(held_before, THRESHOLDS).conditions] == [
        f"{GTIN}@WH1",
        f"{GTIN}@WH2",
    ]


def test_a_reorder_point_of_zero_alerts_only_the_stock_out() -> None:
    zero = ProductThresholds(GTIN, reorder_point=0)
    assert low_stock(stock([lot(on_hand={A1: 1})]), zero).conditions == ()
    assert len(stock_out(stock([lot(on_hand={})]), zero).conditions) == 1


def test_products_without_thresholds_raise_nothing() -> None:
    for qty in (0, 5, 10_000):
        assert evaluate_stock(stock([lot(on_hand={A1: qty})]), None).conditions == ()
    assert overstock(stock([lot(on_hand={A1: 10_000})]), ProductThresholds(GTIN)).conditions == ()


def test_levels_are_kept_per_warehouse_each_in_its_own_time_zone() -> None:
    late_evening_utc = datetime(2026, 3, 31, 17, 0, tzinfo=UTC)
    lots = [lot(expiry=date(2026, 3, 31), on_hand={A1: 4, B1: 4})]
    levels = stock(lots, late_evening_utc).levels
    assert [(lv.warehouse, lv.available, lv.on_hand) for lv in levels] == [
        ("WH1", 4, 4),
        ("WH2", 0, 4),
    ]
    kinds = [
        (c.key.subject, c.key.alert_type)
        for c in evaluate_stock(stock(lots, late_evening_utc), THRESHOLDS).conditions
    ]
    assert kinds == [(f"{GTIN}@WH1", AlertType.LOW_STOCK), (f"{GTIN}@WH2", AlertType.STOCK_OUT)]


def test_lots_of_other_products_do_not_count() -> None:
    lots = [lot(on_hand={A1: 3}), lot("X", on_hand={A1: 500}, gtin=OTHER_GTIN)]
    assert stock(lots).levels == (StockLevel(GTIN, "WH1", 3, 3),)


def test_evaluating_one_product_leaves_other_products_alone() -> None:
    desk = Desk()
    other = product_stock(OTHER_GTIN, [lot("X", on_hand={A1: 2}, gtin=OTHER_GTIN)], (), ZONES, NOW)
    desk.evaluate(evaluate_stock(other, ProductThresholds(OTHER_GTIN, reorder_point=5)), NOW)
    desk.evaluate(evaluate_stock(stock([lot(on_hand={A1: 50})]), THRESHOLDS), NOW)
    assert [(a.key.alert_type, a.key.subject) for a in desk.open()] == [
        (AlertType.LOW_STOCK, f"{OTHER_GTIN}@WH1")
    ]
