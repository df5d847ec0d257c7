"""Velocity against a brute-force count over the window's days."""

import math
import statistics
from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lotledger.alerts.domain.forecast_velocity import velocity

TODAY = date(2026, 3, 1)


@given(
    st.dictionaries(st.integers(-200, 5), st.integers(1, 500), max_size=40),
    st.integers(-200, 3),
    st.integers(1, 120),
)
def test_velocity_is_the_windows_mean_and_spread(
    shipments: dict[int, int], first_offset: int, window: int
) -> None:
    daily = {TODAY + timedelta(days=d): qty for d, qty in shipments.items()}
    first = TODAY + timedelta(days=first_offset)
    result = velocity(daily, first, TODAY, window)
    if first > TODAY:
        assert (result.per_day, result.days) == (Fraction(0), 0)
        return
    days = [
        TODAY - timedelta(days=back)
        for back in range(window)
        if TODAY - timedelta(days=back) >= first
    ]
    counts = [daily.get(day, 0) for day in days]
    assert result.days == len(days)
    assert result.per_day == Fraction(sum(counts), len(days))
    assert math.isclose(result.sigma, statistics.pstdev(counts), rel_tol=1e-9, abs_tol=1e-9)


def test_a_product_received_recently_is_judged_over_its_own_days() -> None:
    daily = {TODAY - timedelta(days=1): 30, TODAY - timedelta(days=100): 999}
    result = velocity(daily, TODAY - timedelta(days=2), TODAY)
    assert (result.days, result.per_day) == (3, Fraction(10))
    never = velocity(daily, None, TODAY)
    assert (never.days, never.per_day, never.sigma) == (0, Fraction(0), 0.0)


def test_the_window_is_at_least_a_day() -> None:
    with pytest.raises(ValueError, match="window"):
        velocity({}, TODAY, TODAY, 0)
