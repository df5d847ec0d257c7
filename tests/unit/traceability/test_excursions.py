import json
import math
from collections.abc import Sequence
from datetime import timedelta

import pytest

from lotledger.shared.contracts.catalog import Location, RangeInForce, StorageClass
from lotledger.shared.contracts.excursions import ExcursionKind
from lotledger.shared.contracts.telemetry import Reading
from lotledger.traceability.domain.errors import NaiveTimestamp
from lotledger.traceability.domain.excursion import Excursion, excursion_id
from lotledger.traceability.domain.excursions import Change, LimitsAt, Phase, detect, step
from lotledger.traceability.domain.limits import (
    ClimateRanges,
    HumidityDefault,
    Metric,
    Sample,
    sample_of,
)
from lotledger.traceability.domain.series import Observation, SeriesState
from tests.unit.traceability.climate_fixtures import (
    COLD_ROOM,
    T0,
    at,
    cold_room,
    fresh,
    limits_of,
    observations,
)

TEMP = limits_of(cold_room())


def run(
    points: Sequence[tuple[float, float]] | Sequence[Observation],
    limits: LimitsAt = TEMP,
    grace: float = 0.0,
    state: SeriesState | None = None,
    metric: Metric = Metric.TEMPERATURE,
) -> tuple[SeriesState, list[Change]]:
    state = state or fresh(metric)
    feed = [p if isinstance(p, Observation) else Observation(at(p[0]), "S1", p[1]) for p in points]
    changes: list[Change] = []
    for obs in feed:
        state, out = step(state, obs, limits, grace)
        changes.extend(out)
    return state, changes


def phases(changes: list[Change]) -> list[tuple[Phase, ExcursionKind]]:
    return [(c.phase, c.excursion.kind) for c in changes]


def test_an_excursion_starts_worsens_and_ends_with_its_record() -> None:
    _, changes = run([(0, 5.0), (10, 9.0), (20, 9.5), (30, 8.5), (40, 7.0)])
    assert [c.phase for c in changes] == [Phase.STARTED, Phase.UPDATED, Phase.UPDATED, Phase.ENDED]
    started, worse, eased, ended = (c.excursion for c in changes)
    assert (started.started_at, started.peak, started.readings) == (at(10), 9.0, 1)
    assert (worse.peak, worse.readings) == (9.5, 2)
    assert (eased.peak, eased.readings) == (9.5, 3)
    assert ended == Excursion(
        excursion_id=started.excursion_id,
        location=COLD_ROOM,
        sensor="S1",
        kind=ExcursionKind.TEMPERATURE_HIGH,
        limit=8.0,
        started_at=at(10),
        peak=9.5,
        readings=3,
        ended_at=at(40),
        sensors=("S1",),
    )
    assert ended.duration_minutes == 30.0


def test_the_limits_themselves_are_in_range() -> None:
    assert run([(0, 8.0), (10, 2.0), (20, 8.0)])[1] == []


def test_a_low_excursion_records_the_minimum_as_peak() -> None:
    _, changes = run([(0, 1.5), (5, 0.5), (10, 1.0), (15, 3.0)])
    ended = changes[-1].excursion
    assert (ended.kind, ended.limit, ended.peak, ended.readings) == (
        ExcursionKind.TEMPERATURE_LOW,
        2.0,
        0.5,
        3,
    )


def test_a_blip_shorter_than_the_grace_period_produces_nothing() -> None:
    state, changes = run([(0, 5.0), (10, 12.0), (15, 12.5), (20, 6.0)], grace=15)
    assert changes == []
    assert state.open == {}


def test_grace_confirms_once_the_excursion_has_lasted_long_enough() -> None:
    state, changes = run([(0, 5.0), (10, 9.0), (20, 9.0)], grace=15)
    assert changes == []
    state, changes = run([(30, 9.2)], grace=15, state=state)
    assert [c.phase for c in changes] == [Phase.STARTED]
    assert (changes[0].excursion.started_at, changes[0].excursion.readings) == (at(10), 3)
    _, changes = run([(40, 5.0)], grace=15, state=state)
    assert [c.phase for c in changes] == [Phase.ENDED]
    assert changes[0].excursion.duration_minutes == 30.0


def test_a_sparse_excursion_that_outlasted_grace_starts_and_ends_on_return() -> None:
    _, changes = run([(0, 9.0), (20, 5.0)], grace=15)
    assert [c.phase for c in changes] == [Phase.STARTED, Phase.ENDED]
    assert changes[1].excursion.duration_minutes == 20.0


def test_high_straight_to_low_ends_one_and_starts_the_other() -> None:
    _, changes = run([(0, 9.0), (10, 1.0), (20, 5.0)])
    assert phases(changes) == [
        (Phase.STARTED, ExcursionKind.TEMPERATURE_HIGH),
        (Phase.ENDED, ExcursionKind.TEMPERATURE_HIGH),
        (Phase.STARTED, ExcursionKind.TEMPERATURE_LOW),
        (Phase.ENDED, ExcursionKind.TEMPERATURE_LOW),
    ]
    high, low = changes[1].excursion, changes[3].excursion
    assert high.ended_at == low.started_at == at(10)
    assert high.excursion_id != low.excursion_id


def test_earlier_and_duplicate_observations_are_ignored() -> None:
    state, _ = run([(0, 5.0), (10, 9.0), (20, 9.5)])
    for stale in [(20, 3.0), (15, 30.0), (-5, 5.0)]:
        assert step(state, Observation(at(stale[0]), "S1", stale[1]), TEMP) == (state, [])


def test_two_sensors_in_one_room_make_one_excursion_while_any_is_out_of_range() -> None:
    door, back = "S-DOOR", "S-BACK"
    feed = sorted(
        [
            *observations([(0, 5.0), (10, 9.0), (20, 10.5), (30, 7.0), (40, 6.0)], door),
            *observations([(1, 5.5), (11, 6.0), (21, 8.6), (31, 8.9), (41, 7.5)], back),
        ],
        key=lambda o: o.at,
    )
    _, found = detect(fresh(), feed, TEMP)
    (one,) = found
    assert (one.started_at, one.ended_at, one.sensor) == (at(10), at(41), door)
    assert (one.peak, one.readings, one.sensors) == (10.5, 4, (back, door))


def test_a_room_can_be_too_warm_by_one_sensor_and_too_cold_by_another() -> None:
    feed = [
        Observation(at(0), "A", 9.0),
        Observation(at(1), "B", 1.0),
        Observation(at(2), "A", 5.0),
        Observation(at(3), "B", 5.0),
    ]
    _, found = detect(fresh(), feed, TEMP)
    assert [(x.kind, x.started_at, x.ended_at) for x in found] == [
        (ExcursionKind.TEMPERATURE_HIGH, at(0), at(2)),
        (ExcursionKind.TEMPERATURE_LOW, at(1), at(3)),
    ]


def test_a_retired_sensor_stops_holding_its_last_reading() -> None:
    feed = [
        Observation(at(0), "OLD", 9.0),
        Observation(at(1), "NEW", 5.0),
        Observation(at(30), "OLD", None),
        Observation(at(31), "NEW", 5.1),
    ]
    state, found = detect(fresh(), feed, TEMP)
    assert [(x.started_at, x.ended_at) for x in found] == [(at(0), at(30))]
    assert set(state.held) == {"NEW"}


def test_each_reading_is_judged_by_the_range_in_force_when_it_was_taken() -> None:
    narrowed = cold_room().model_copy(
        update={
            "ranges": [
                RangeInForce(since=at(-60), temp_min_c=2.0, temp_max_c=8.0),
                RangeInForce(since=at(20), temp_min_c=2.0, temp_max_c=6.0),
            ]
        }
    )
    _, found = detect(
        fresh(), observations([(0, 7.0), (10, 7.0), (20, 7.0), (30, 5.0)]), limits_of(narrowed)
    )
    assert [(x.started_at, x.ended_at, x.limit) for x in found] == [(at(20), at(30), 6.0)]


def test_humidity_uses_the_locations_humidity_bounds() -> None:
    limits = limits_of(cold_room(), Metric.HUMIDITY)
    _, changes = run([(0, 50.0), (10, 80.0), (20, 60.0)], limits=limits, metric=Metric.HUMIDITY)
    assert phases(changes) == [
        (Phase.STARTED, ExcursionKind.HUMIDITY_HIGH),
        (Phase.ENDED, ExcursionKind.HUMIDITY_HIGH),
    ]
    assert changes[0].excursion.limit == 75.0


def test_a_location_without_humidity_bounds_is_judged_by_the_default() -> None:
    unset = cold_room(humidity_min=None, humidity_max=None)
    limits = limits_of(unset, Metric.HUMIDITY)
    _, changes = run([(0, 50.0), (10, 88.0), (20, 60.0)], limits=limits, metric=Metric.HUMIDITY)
    assert [(c.phase, c.excursion.limit) for c in changes] == [
        (Phase.STARTED, 75.0),
        (Phase.ENDED, 75.0),
    ]
    dry = HumidityDefault(by_class={StorageClass.COLD: (20.0, 60.0)})
    ranges = ClimateRanges.of(unset, dry)
    assert ranges.limits(Metric.HUMIDITY, T0).breach(65.0) is not None
    half = cold_room(humidity_min=None, humidity_max=70.0)
    assert ClimateRanges.of(half).limits(Metric.HUMIDITY, T0).breach(5.0) is None


def test_ids_are_derived_from_location_kind_and_start_so_replays_agree() -> None:
    points = [(0, 9.0), (10, 5.0), (20, 1.0), (30, 5.0)]
    first = [c.excursion.excursion_id for c in run(points)[1]]
    again = [c.excursion.excursion_id for c in run(points)[1]]
    assert first == again
    assert first[0] == excursion_id(COLD_ROOM, ExcursionKind.TEMPERATURE_HIGH, at(0))
    assert first[0] != excursion_id(COLD_ROOM, ExcursionKind.TEMPERATURE_LOW, at(0))
    assert first[0] != excursion_id("WH1/COLD-A/04", ExcursionKind.TEMPERATURE_HIGH, at(0))


def test_state_round_trips_through_json_mid_excursion() -> None:
    state, _ = run([(0, 9.0), (5, 9.4)], grace=10)
    assert state.open
    restored = SeriesState.from_json(json.loads(json.dumps(state.to_json())))
    assert restored == state
    assert run([(12, 9.9), (20, 4.0)], grace=10, state=restored) == run(
        [(12, 9.9), (20, 4.0)], grace=10, state=state
    )


def test_detect_reports_the_open_excursion_without_an_end() -> None:
    _, found = detect(fresh(), observations([(0, 9.0), (10, 5.0), (20, 0.0), (30, -1.0)]), TEMP)
    assert [(e.kind, e.ended_at, e.peak) for e in found] == [
        (ExcursionKind.TEMPERATURE_HIGH, at(10), 9.0),
        (ExcursionKind.TEMPERATURE_LOW, None, -1.0),
    ]


def test_an_excursion_found_long_after_it_started_is_marked_late() -> None:
    late = Observation(at(0), "LOGGER", 9.0, recorded_at=at(120))
    _, (found,) = detect(fresh(), [late, Observation(at(5), "LOGGER", 5.0, at(120))], TEMP)
    assert found.first_recorded_at == at(120)
    assert found.marked(timedelta(minutes=15)).detected_late
    assert not found.marked(timedelta(hours=3)).detected_late


def test_a_reading_gives_a_sample_per_metric_it_carries() -> None:
    reading = Reading(sensor="S1", location=COLD_ROOM, at=T0, temperature_c=4.5)
    assert sample_of(reading, Metric.TEMPERATURE) == Sample(T0, 4.5)
    assert sample_of(reading, Metric.HUMIDITY) is None


def test_naive_observation_times_are_refused() -> None:
    with pytest.raises(NaiveTimestamp):
        step(fresh(), Observation(T0.replace(tzinfo=None), "S1", 5.0), TEMP)


def test_a_faulty_sensors_nan_neither_ends_nor_starts_an_excursion() -> None:
    state, _ = run([(0, 9.0)])
    assert run([(5, math.nan), (10, math.inf)], state=state) == (state, [])


def test_range_histories_tell_from_when_they_judge_differently() -> None:
    before = cold_room()
    after = before.model_copy(
        update={
            "ranges": [
                RangeInForce(
                    since=at(-60),
                    temp_min_c=2.0,
                    temp_max_c=8.0,
                    humidity_min_pct=35,
                    humidity_max_pct=75,
                ),
                RangeInForce(since=at(20), temp_min_c=2.0, temp_max_c=6.0),
            ]
        }
    )
    assert ClimateRanges.of(before).first_difference(ClimateRanges.of(before)) == (False, None)
    assert ClimateRanges.of(before).first_difference(ClimateRanges.of(after)) == (True, at(20))
    other: Location = before.model_copy(update={"temp_max_c": 7.0})
    assert ClimateRanges.of(before).first_difference(ClimateRanges.of(other)) == (True, None)
