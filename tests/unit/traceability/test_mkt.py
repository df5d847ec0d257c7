import math
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lotledger.shared.contracts.stock import BatchStatus, Moved, Picked, Received, StockEvent
from lotledger.traceability.domain.errors import (
    BelowAbsoluteZero,
    EmptyWindow,
    NaiveTimestamp,
    NoCoverage,
)
from lotledger.traceability.domain.mkt import (
    StaySegment,
    TemperatureReading,
    Weighted,
    arithmetic_mean,
    hold_weights,
    mean_kinetic_temperature,
    stay_mkt,
    stay_segments,
    window_mkt,
)
from lotledger.traceability.domain.residence import history

T0 = datetime(2026, 7, 1, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def series(*points: tuple[float, float]) -> list[TemperatureReading]:
    return [TemperatureReading(at(m), t) for m, t in points]


def reference_mkt(temperatures: list[float], weights: list[float]) -> float:
    """The USP formula written out plainly, independent of the module's arithmetic."""
    total = sum(
        w * math.exp(-10_000 / (t + 273.15)) for t, w in zip(temperatures, weights, strict=True)
    )
    return 10_000 / -math.log(total / sum(weights)) - 273.15


@pytest.mark.parametrize("temperature", [-20.0, 0.0, 5.0, 25.0, 40.0])
def test_constant_temperature_gives_that_temperature(temperature: float) -> None:
    readings = [TemperatureReading(at(15 * i), temperature) for i in range(97)]
    assert window_mkt(readings, at(0), at(24 * 60)) == pytest.approx(temperature, abs=1e-9)


def test_varied_series_matches_the_formula_computed_independently() -> None:
    temps = [5 + 15 * math.sin(i / 7) + (i % 5) for i in range(288)]
    readings = [TemperatureReading(at(5 * i), t) for i, t in enumerate(temps)]
    result = window_mkt(readings, at(0), at(5 * 288))
    assert result is not None
    assert result == pytest.approx(reference_mkt(temps, [1.0] * len(temps)), abs=0.01)
    assert result > sum(temps) / len(temps) + 0.5


def test_irregular_readings_are_weighted_by_time() -> None:
    readings = series((0, 30.0), (60, 5.0))
    result = window_mkt(readings, at(0), at(600))
    assert result == pytest.approx(reference_mkt([30.0, 5.0], [1.0, 9.0]), abs=0.01)
    equal = reference_mkt([30.0, 5.0], [1.0, 1.0])
    assert result is not None
    assert equal - result > 5.0


def test_larger_activation_energy_weights_peaks_more() -> None:
    readings = series((0, 30.0), (60, 5.0))
    low = window_mkt(readings, at(0), at(600), activation_k=5_000.0)
    high = window_mkt(readings, at(0), at(600), activation_k=20_000.0)
    assert low is not None
    assert high is not None
    assert high > low


def test_weights_follow_the_step_function_and_clip_to_the_window() -> None:
    readings = series((-120, 1.0), (-30, 2.0), (30, 3.0), (90, 4.0), (120, 99.0))
    weights = hold_weights(readings, at(0), at(120))
    assert weights == [Weighted(2.0, 1800.0), Weighted(3.0, 3600.0), Weighted(4.0, 1800.0)]


def test_time_before_the_first_reading_is_not_covered() -> None:
    weights = hold_weights(series((30, 8.0), (60, 4.0)), at(0), at(90))
    assert weights == [Weighted(8.0, 1800.0), Weighted(4.0, 1800.0)]


def test_max_hold_leaves_a_silent_sensors_gap_uncovered() -> None:
    readings = series((0, 20.0), (600, 4.0))
    weights = hold_weights(readings, at(0), at(660), max_hold=timedelta(minutes=30))
    assert weights == [Weighted(20.0, 1800.0), Weighted(4.0, 1800.0)]


def test_unordered_input_and_same_instant_readings() -> None:
    readings = series((60, 7.0), (0, 3.0), (0, 5.0))
    assert hold_weights(readings, at(0), at(120)) == [Weighted(5.0, 3600.0), Weighted(7.0, 3600.0)]


def test_a_single_reading_covers_the_rest_of_the_window() -> None:
    assert window_mkt(series((10, 6.5)), at(0), at(60)) == pytest.approx(6.5, abs=1e-9)


def test_no_covered_time_has_no_mkt() -> None:
    assert window_mkt([], at(0), at(60)) is None
    assert window_mkt(series((60, 5.0), (90, 6.0)), at(0), at(60)) is None
    assert stay_mkt([]) is None
    with pytest.raises(NoCoverage):
        mean_kinetic_temperature([])
    with pytest.raises(NoCoverage):
        mean_kinetic_temperature([Weighted(5.0, 0.0)])


def test_bad_inputs_are_named() -> None:
    with pytest.raises(BelowAbsoluteZero):
        mean_kinetic_temperature([Weighted(-273.15, 1.0)])
    with pytest.raises(EmptyWindow):
        window_mkt(series((0, 5.0)), at(60), at(60))
    with pytest.raises(NaiveTimestamp):
        TemperatureReading(datetime(2026, 7, 1), 5.0)


def test_a_stay_across_locations_weights_each_segment_by_its_time() -> None:
    cold = series((-10, 5.0), (30, 5.0))
    warm = series((0, 25.0))
    stay = [StaySegment(at(0), at(540), cold), StaySegment(at(540), at(600), warm)]
    assert stay_mkt(stay) == pytest.approx(reference_mkt([5.0, 25.0], [9.0, 1.0]), abs=0.01)


temperatures = st.floats(min_value=-40, max_value=60, allow_nan=False)
gaps = st.integers(min_value=0, max_value=240)


@st.composite
def timed_series(draw: st.DrawFn) -> list[TemperatureReading]:
    offsets = draw(st.lists(gaps, min_size=1, max_size=40))
    minute, readings = -60, []
    for gap in offsets:
        minute += gap
        readings.append(TemperatureReading(at(minute), draw(temperatures)))
    return readings


@given(timed_series(), st.integers(1, 3000))
def test_mkt_lies_between_extremes_and_above_the_time_weighted_mean(
    readings: list[TemperatureReading], length: int
) -> None:
    weights = hold_weights(readings, at(0), at(length))
    result = window_mkt(readings, at(0), at(length))
    if not weights:
        assert result is None
        return
    assert result is not None
    covered = [w.temperature_c for w in weights]
    assert min(covered) - 1e-9 <= result <= max(covered) + 1e-9
    assert result >= arithmetic_mean(weights) - 1e-9
    assert sum(w.weight for w in weights) <= length * 60


@given(timed_series(), st.integers(2, 3000), st.floats(0.01, 0.99))
def test_splitting_a_stay_segment_changes_nothing(
    readings: list[TemperatureReading], length: int, fraction: float
) -> None:
    cut = at(length * fraction)
    whole = stay_mkt([StaySegment(at(0), at(length), readings)])
    halves = stay_mkt([StaySegment(at(0), cut, readings), StaySegment(cut, at(length), readings)])
    if whole is None:
        assert halves is None
    else:
        assert halves == pytest.approx(whole, abs=1e-9)


def test_a_lots_stay_follows_its_residence_intervals() -> None:
    k = {"gtin": "09506000134352", "lot": "L1"}
    events: list[StockEvent] = [
        Received(
            **k,
            at=at(0),
            location="WH1/COLD",
            qty=10,
            expiry=date(2030, 1, 31),
            supplier="S",
            status=BatchStatus.AVAILABLE,
        ),
        Picked(**k, at=at(60), location="WH1/COLD", qty=4, order_ref="O", ship_to="C"),
        Moved(**k, at=at(540), qty=6, from_location="WH1/COLD", to_location="WH1/AMB"),
    ]
    readings = {"WH1/COLD": series((-5, 5.0)), "WH1/AMB": series((-600, 25.0))}
    segments = stay_segments(history(events), readings, until=at(600))
    assert [(s.start, s.end) for s in segments] == [
        (at(0), at(60)),
        (at(60), at(540)),
        (at(540), at(600)),
    ]
    assert stay_mkt(segments) == pytest.approx(reference_mkt([5.0, 25.0], [9.0, 1.0]), abs=0.01)
    assert stay_segments(history(events), readings, until=at(30)) == [
        StaySegment(at(0), at(30), readings["WH1/COLD"])
    ]


def test_non_finite_readings_are_dropped_and_the_previous_one_holds_on() -> None:
    readings = series((0, 5.0), (30, math.nan), (45, math.inf))
    assert hold_weights(readings, at(0), at(60)) == [Weighted(5.0, 3600.0)]


def quantity_weighted_reference(
    held: list[tuple[str, float, float, int]],
    temperature: dict[str, float],
    step_minutes: float = 0.5,
) -> float:
    """A lot's MKT by brute force: walk its stay in small steps; at each step every
    location holding part of the lot contributes its (constant) temperature with the
    fraction of the lot held there; USP's formula over those weights. `held` lists
    (location, from, to, qty) in minutes."""
    start, end = min(h[1] for h in held), max(h[2] for h in held)
    temperatures, weights = [], []
    t = start
    while t < end:
        here = [(loc, qty) for loc, a, b, qty in held if a <= t < b]
        total = sum(qty for _, qty in here)
        for loc, qty in here:
            temperatures.append(temperature[loc])
            weights.append(step_minutes * qty / total)
        t += step_minutes
    return reference_mkt(temperatures, weights)


def test_a_lot_held_in_two_rooms_at_once_is_weighted_by_the_quantity_in_each() -> None:
    k = {"gtin": "09506000134352", "lot": "SPLIT"}
    events: list[StockEvent] = [
        Received(
            **k,
            at=at(0),
            location="WH1/COLD",
            qty=40,
            expiry=date(2030, 1, 31),
            supplier="S",
            status=BatchStatus.AVAILABLE,
        ),
        Moved(**k, at=at(120), qty=10, from_location="WH1/COLD", to_location="WH1/COOL"),
        Picked(**k, at=at(360), location="WH1/COLD", qty=20, order_ref="O", ship_to="C"),
    ]
    readings = {"WH1/COLD": series((-5, 5.0)), "WH1/COOL": series((-5, 15.0))}
    found = stay_mkt(stay_segments(history(events), readings, until=at(600)))
    assert found is not None
    expected = quantity_weighted_reference(
        [
            ("WH1/COLD", 0, 120, 40),
            ("WH1/COLD", 120, 360, 30),
            ("WH1/COOL", 120, 600, 10),
            ("WH1/COLD", 360, 600, 10),
        ],
        {"WH1/COLD": 5.0, "WH1/COOL": 15.0},
    )
    assert found == pytest.approx(expected, abs=0.01)
    counted_in_full = reference_mkt([5.0, 15.0], [600.0, 480.0])
    assert abs(found - counted_in_full) > 0.5
