"""A product's forecast runs with the batch that touches it when its last one is an
interval old, else once the interval has passed, under its latest cause."""

from __future__ import annotations

import pytest

from lotledger.alerts.service.forecast_pacing import ForecastPacing
from lotledger.alerts.service.recording import Cause

A, B = "09506000000011", "09506000000028"


def cause(n: int) -> Cause:
    return Cause(f"event-{n}", f"corr-{n}")


class Paced:
    """A pacing on a clock the test moves: `touch` lets `after_s` pass, then a batch
    touches products with the causes given."""

    def __init__(self, interval_s: float = 5) -> None:
        self.now = 100.0
        self.pacing = ForecastPacing(interval_s, lambda: self.now)

    def touch(self, after_s: float, touched: dict[str, Cause]) -> set[str]:
        self.now += after_s
        return self.pacing.now_or_later(touched)

    def take_due(self, after_s: float = 0) -> dict[str, Cause]:
        self.now += after_s
        return self.pacing.take_due()


def test_a_first_touch_forecasts_at_once_and_a_second_within_the_interval_waits() -> None:
    paced = Paced()
    pacing = paced.pacing
    assert paced.touch(0, {A: cause(1)}) == {A}
    assert pacing.pending == frozenset()

    assert paced.touch(1, {A: cause(2), B: cause(3)}) == {B}
    assert paced.touch(1, {A: cause(4)}) == set()
    assert pacing.pending == {A}
    assert paced.take_due() == {}

    taken = paced.take_due(3)
    assert taken == {A: cause(4)}
    assert paced.take_due() == {}
    assert pacing.pending == {A}, "taken, not yet settled"
    pacing.settled(taken)
    assert pacing.pending == frozenset()


def test_a_touch_once_the_interval_passed_forecasts_in_its_batch_and_clears_the_deferral() -> None:
    paced = Paced()
    paced.touch(0, {A: cause(1)})
    paced.touch(2, {A: cause(2)})
    assert paced.touch(4, {A: cause(3)}) == {A}
    assert paced.take_due(10) == {}


def test_a_forecast_taken_after_the_catch_up_waits_a_full_interval_again() -> None:
    paced = Paced()
    paced.touch(0, {A: cause(1)})
    paced.touch(1, {A: cause(2)})
    assert paced.take_due(5) == {A: cause(2)}
    assert paced.touch(1, {A: cause(3)}) == set()


def test_a_failed_catch_up_is_due_again_at_once_and_keeps_a_newer_cause() -> None:
    paced = Paced()
    paced.touch(0, {A: cause(1)})
    paced.touch(1, {A: cause(2)})
    taken = paced.take_due(5)
    paced.touch(0, {A: cause(3)})
    paced.pacing.defer(taken)
    assert paced.take_due() == {A: cause(3)}


def test_interval_zero_forecasts_every_batch() -> None:
    paced = Paced(0)
    for n in range(3):
        assert paced.touch(0, {A: cause(n)}) == {A}
    assert paced.take_due() == {}


def test_products_long_quiet_are_forgotten() -> None:
    paced = Paced()
    paced.touch(0, {f"0950600000{n:04d}": cause(n) for n in range(1000)})
    paced.take_due(6)
    assert paced.pacing._last == {}


def test_a_negative_interval_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        ForecastPacing(-1)
