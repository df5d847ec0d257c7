"""Reorder point by the formula, and the suggested lot checked by the day-by-day
reference: it arrives after the lead time and none of it is left when it stops being
sellable; one unit more would be (when it is the last lot FEFO reaches)."""

import math
from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lotledger.alerts.domain.forecast_reorder import ReorderPolicy, replenishment
from lotledger.alerts.domain.forecast_risk import ForecastLot, expiry_risk
from lotledger.alerts.domain.forecast_velocity import Velocity
from tests.unit.alerts.forecast.reference import SimLot, simulate

TODAY = date(2026, 3, 1)


def steady(per_day: Fraction, sigma: float = 0.0) -> Velocity:
    return Velocity(per_day, sigma, 90, int(per_day * 90), TODAY - timedelta(days=89))


def test_reorder_point_is_lead_time_demand_plus_safety_stock() -> None:
    risk = expiry_risk([ForecastLot("L", TODAY + timedelta(days=300), 45)], Fraction(10), TODAY)
    plan = replenishment(steady(Fraction(10), 3.0), risk, ReorderPolicy(lead_time_days=4))
    assert plan.z == pytest.approx(1.6449, abs=1e-4)
    assert plan.safety_stock == pytest.approx(1.6449 * 3 * 2, abs=1e-3)
    assert plan.reorder_point == math.ceil(40 + 1.6449 * 3 * 2)
    assert plan.reorder
    assert plan.position == 45
    assert plan.target == 10 * (4 + 30)
    assert plan.suggested_qty == 340 - 45


def test_stock_at_risk_does_not_count_as_cover() -> None:
    """80 units on hand, but 60 stop being sellable before they can be sold."""
    lots = [ForecastLot("L", TODAY + timedelta(days=1), 80)]
    risk = expiry_risk(lots, Fraction(10), TODAY)
    plan = replenishment(steady(Fraction(10)), risk, ReorderPolicy(lead_time_days=5))
    assert (plan.position, plan.reorder_point, plan.reorder) == (20, 50, True)


def test_no_demand_no_suggestion() -> None:
    risk = expiry_risk([], Fraction(0), TODAY)
    plan = replenishment(steady(Fraction(0)), risk, ReorderPolicy())
    assert (plan.reorder, plan.suggested_qty) == (False, 0)


def test_max_stock_is_the_target() -> None:
    risk = expiry_risk([], Fraction(5), TODAY)
    plan = replenishment(steady(Fraction(5)), risk, ReorderPolicy(max_stock=120))
    assert (plan.target, plan.suggested_qty) == (120, 120)


@st.composite
def lots_on_hand(draw: st.DrawFn) -> list[ForecastLot]:
    names = draw(st.lists(st.sampled_from("ABCDE"), unique=True, max_size=4))
    return [
        ForecastLot(
            name, TODAY + timedelta(days=draw(st.integers(0, 40))), draw(st.integers(1, 80))
        )
        for name in names
    ]


@settings(max_examples=300)
@given(
    lots_on_hand(),
    st.builds(Fraction, st.integers(1, 30), st.integers(1, 4)),
    st.integers(0, 20),
    st.integers(0, 15),
    st.integers(1, 90),
    st.one_of(st.none(), st.integers(0, 500)),
)
def test_the_suggested_lot_is_sold_before_it_stops_being_sellable(
    lots: list[ForecastLot],
    per_day: Fraction,
    lead: int,
    min_remaining: int,
    shelf_life: int,
    max_stock: int | None,
) -> None:
    assume(shelf_life > min_remaining)
    policy = ReorderPolicy(
        lead_time_days=lead,
        max_stock=max_stock,
        shelf_life_days=shelf_life,
        min_remaining_days=min_remaining,
    )
    risk = expiry_risk(lots, per_day, TODAY, min_remaining)
    plan = replenishment(steady(per_day), risk, policy)
    assert plan.cap is not None
    assert plan.suggested_qty <= max(0, plan.target - plan.position)
    expiry = TODAY + timedelta(days=lead + shelf_life)
    on_hand = [SimLot(lot.lot, lot.expiry, lot.sellable) for lot in lots]

    def left_of_new_lot(qty: int) -> int:
        new = SimLot("~new", expiry, qty, arrives_day=lead)
        return simulate([*on_hand, new], per_day, TODAY, min_remaining).at_risk["~new"]

    assert left_of_new_lot(plan.suggested_qty) == 0
    if all(lot.expiry < expiry for lot in lots):
        assert left_of_new_lot(plan.cap + 1) == 1
