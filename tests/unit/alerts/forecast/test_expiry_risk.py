"""The FEFO walk against the day-by-day reference, over random lots, velocities and
shelf-life minimums, and the cases the issue names."""

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from lotledger.alerts.domain.forecast_risk import Cost, ForecastLot, expiry_risk
from tests.unit.alerts.forecast.reference import SimLot, simulate

TODAY = date(2026, 3, 1)
EUR = Cost(Decimal("2.50"), "EUR")

velocities = st.builds(Fraction, st.integers(0, 40), st.integers(1, 7))


@st.composite
def lot_lists(draw: st.DrawFn) -> list[ForecastLot]:
    names = draw(st.lists(st.sampled_from("ABCDEFGH"), unique=True, max_size=6))
    return [
        ForecastLot(
            name,
            TODAY + timedelta(days=draw(st.integers(-5, 60))),
            draw(st.integers(0, 60)),
            draw(st.integers(0, 10)),
            draw(st.sampled_from([None, EUR])),
        )
        for name in names
    ]


@settings(max_examples=400)
@given(lot_lists(), velocities, st.integers(0, 20))
def test_walk_agrees_with_day_by_day_simulation(
    lots: list[ForecastLot], per_day: Fraction, min_remaining: int
) -> None:
    risk = expiry_risk(lots, per_day, TODAY, min_remaining)
    sim = simulate(
        [SimLot(lot.lot, lot.expiry, lot.sellable) for lot in lots if lot.sellable],
        per_day,
        TODAY,
        min_remaining,
    )
    assert {lot.lot: lot.qty_at_risk for lot in risk.lots} == sim.at_risk
    assert {lot.lot: lot.reached_on for lot in risk.lots} == sim.first_sold_on
    assert risk.qty_at_risk == sum(sim.at_risk.values())
    if per_day:
        assert risk.days_of_cover == sim.sold / per_day
        assert risk.stock_out_on == sim.first_short_day
    held = {lot.lot: lot.held for lot in lots if lot.held}
    assert {lot.lot: lot.qty for lot in risk.held} == held


@given(lot_lists(), velocities, st.integers(0, 20))
def test_value_at_risk_is_quantity_times_cost(
    lots: list[ForecastLot], per_day: Fraction, min_remaining: int
) -> None:
    risk = expiry_risk(lots, per_day, TODAY, min_remaining)
    costed = [lot for lot in risk.lots if lot.currency == "EUR"]
    for lot in costed:
        assert lot.value_at_risk == EUR.amount * lot.qty_at_risk
    assert risk.value_at_risk.get("EUR", Decimal(0)) == sum(
        (EUR.amount * lot.qty_at_risk for lot in costed), Decimal(0)
    )


def test_a_later_lot_waits_for_the_earlier_one_and_is_judged_on_what_is_left() -> None:
    """Judged alone each lot would sell 10/day × its days; FEFO gives the second lot only
    the days after the first is exhausted."""
    lots = [
        ForecastLot("L2", TODAY + timedelta(days=20), 200),
        ForecastLot("L1", TODAY + timedelta(days=10), 50),
    ]
    risk = expiry_risk(lots, Fraction(10), TODAY)
    first, second = risk.lots
    assert (first.lot, first.qty_at_risk, first.reached_on) == ("L1", 0, TODAY)
    assert (second.lot, second.reached_on) == ("L2", TODAY + timedelta(days=5))
    assert second.stops_sellable_on == TODAY + timedelta(days=21)
    assert second.qty_at_risk == 200 - 10 * 16
    assert risk.days_of_cover == 21
    assert risk.stock_out_on == TODAY + timedelta(days=21)


def test_minimum_shelf_life_moves_the_end_of_selling_forward() -> None:
    lots = [ForecastLot("L1", TODAY + timedelta(days=30), 100, cost=EUR)]
    risk = expiry_risk(lots, Fraction(2), TODAY, min_remaining_days=10)
    (lot,) = risk.lots
    assert lot.stops_sellable_on == TODAY + timedelta(days=21)
    assert lot.qty_at_risk == 100 - 2 * 21
    assert risk.value_at_risk == {"EUR": Decimal("2.50") * 58}


def test_held_stock_is_reported_apart_and_never_consumed() -> None:
    lots = [
        ForecastLot("Q", TODAY + timedelta(days=3), 0, held=40, cost=EUR),
        ForecastLot("L", TODAY + timedelta(days=30), 20),
    ]
    risk = expiry_risk(lots, Fraction(5), TODAY)
    assert [(h.lot, h.qty, h.value) for h in risk.held] == [("Q", 40, Decimal("100.00"))]
    assert [(lot.lot, lot.reached_on) for lot in risk.lots] == [("L", TODAY)]
    assert risk.qty_at_risk == 0


def test_without_demand_every_sellable_unit_is_at_risk_and_cover_is_unknown() -> None:
    risk = expiry_risk([ForecastLot("L", TODAY + timedelta(days=9), 7)], Fraction(0), TODAY)
    assert risk.qty_at_risk == 7
    assert (risk.days_of_cover, risk.stock_out_on) == (None, None)
    empty = expiry_risk([], Fraction(3), TODAY)
    assert (empty.days_of_cover, empty.stock_out_on) == (Fraction(0), TODAY)
