"""A product's forecast runs with the batch that touches it when its last one is an
interval old, else once the interval has passed, under its latest cause."""

from __future__ import annotations

import pytest

from lotledger.alerts.service.forecast_pacing import ForecastPacing
from lotledger.alerts.service.recording import Cause

A, B = "09506000000011", "09506000000028"


class Ticks:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def cause(n: int) -> Cause:
    return Cause(f"event-{n}", f"corr-{n}")


def test_a_first_touch_forecasts_at_once_and_a_second_within_the_interval_waits() -> None:
    ticks = Ticks()
    pacing = ForecastPacing(5, ticks)
    assert pacing.now_or_later({A: cause(1)}) == {A}
    assert pacing.pending == frozenset()

    ticks.now += 1
    assert pacing.now_or_later({A: cause(2), B: cause(3)}) == {B}
    ticks.now += 1
    assert pacing.now_or_later({A: cause(4)}) == set()
    assert pacing.pending == {A}
    assert pacing.take_due() == {}

    ticks.now += 3
    taken = pacing.take_due()
    assert taken == {A: cause(4)}
    assert pacing.take_due() == {}
    assert pacing.pending == {A}, "taken, not yet settled"
    pacing.settled(taken)
    assert pacing.pending == frozenset()


def test_a_touch_once_the_interval_passed_forecasts_in_its_batch_and_clears_the_deferral() -> None:
    ticks = Ticks()
    pacing = ForecastPacing(5, ticks)
    pacing.now_or_later({A: cause(1)})
    ticks.now += 2
    pacing.now_or_later({A: cause(2)})
    ticks.now += 4
    assert pacing.now_or_later({A: cause(3)}) == {A}
    ticks.now += 10
    assert pacing.take_due() == {}


def test_a_forecast_taken_after_the_catch_up_waits_a_full_interval_again() -> None:
    ticks = Ticks()
    pacing = ForecastPacing(5, ticks)
    pacing.now_or_later({A: cause(1)})
    ticks.now += 1
    pacing.now_or_later({A: cause(2)})
    ticks.now += 5
    assert pacing.take_due() == {A: cause(2)}
    ticks.now += 1
    assert pacing.now_or_later({A: cause(3)}) == set()


def test_a_failed_catch_up_is_due_again_at_once_and_keeps_a_newer_cause() -> None:
    ticks = Ticks()
    pacing = ForecastPacing(5, ticks)
    pacing.now_or_later({A: cause(1)})
    ticks.now += 1
    pacing.now_or_later({A: cause(2)})
    ticks.now += 5
    taken = pacing.take_due()
    pacing.now_or_later({A: cause(3)})
    pacing.defer(taken)
    assert pacing.take_due() == {A: cause(3)}


def test_interval_zero_forecasts_every_batch() -> None:
    ticks = Ticks()
    pacing = ForecastPacing(0, ticks)
    for n in range(3):
        assert pacing.now_or_later({A: cause(n)}) == {A}
    assert pacing.take_due() == {}


def test_products_long_quiet_are_forgotten() -> None:
    ticks = Ticks()
    pacing = ForecastPacing(5, ticks)
    pacing.now_or_later({f"0950600000{n:04d}": cause(n) for n in range(1000)})
    ticks.now += 6
    pacing.take_due()
    assert pacing._last == {}


def test_a_negative_interval_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        ForecastPacing(-1)
