import json
import math
from collections.abc import Sequence

import pytest

from lotledger.shared.contracts.excursions import ExcursionKind
from lotledger.shared.contracts.telemetry import Reading
from lotledger.traceability.domain.errors import NaiveTimestamp
from lotledger.traceability.domain.excursions import (
    Change,
    DetectorState,
    Excursion,
    Phase,
    detect,
    excursion_id,
    step,
)
from lotledger.traceability.domain.limits import Limits, Metric, Sample, sample_of
from tests.unit.traceability.climate_fixtures import COLD_ROOM, T0, at, cold_room

TEMP = Limits.of(cold_room(), Metric.TEMPERATURE)


def fresh(metric: Metric = Metric.TEMPERATURE, sensor: str = "S1") -> DetectorState:
    return DetectorState(COLD_ROOM, sensor, metric)


def run(
    points: Sequence[tuple[float, float]],
    limits: Limits = TEMP,
    grace: float = 0.0,
    state: DetectorState | None = None,
) -> tuple[DetectorState, list[Change]]:
    state = state or fresh(limits.metric)
    changes: list[Change] = []
    for minute, value in points:
        state, out = step(state, Sample(at(minute), value), limits, grace)
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
    assert state.current is None


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


def test_stale_and_duplicate_samples_are_ignored() -> None:
    state, _ = run([(0, 5.0), (10, 9.0), (20, 9.5)])
    for stale in [(20, 3.0), (15, 30.0), (-5, 5.0)]:
        assert step(state, Sample(at(stale[0]), stale[1]), TEMP) == (state, [])


def test_humidity_uses_the_locations_humidity_bounds() -> None:
    limits = Limits.of(cold_room(), Metric.HUMIDITY)
    _, changes = run([(0, 50.0), (10, 80.0), (20, 60.0)], limits=limits)
    assert phases(changes) == [
        (Phase.STARTED, ExcursionKind.HUMIDITY_HIGH),
        (Phase.ENDED, ExcursionKind.HUMIDITY_HIGH),
    ]
    assert changes[0].excursion.limit == 75.0


def test_an_unset_humidity_bound_is_not_checked() -> None:
    limits = Limits.of(cold_room(humidity_min=None), Metric.HUMIDITY)
    assert run([(0, 5.0), (10, 1.0)], limits=limits)[1] == []
    assert len(run([(0, 90.0)], limits=limits)[1]) == 1


def test_ids_are_derived_from_key_and_start_so_replays_agree() -> None:
    points = [(0, 9.0), (10, 5.0), (20, 1.0), (30, 5.0)]
    first = [c.excursion.excursion_id for c in run(points)[1]]
    again = [c.excursion.excursion_id for c in run(points)[1]]
    assert first == again
    assert first[0] == excursion_id(COLD_ROOM, "S1", Metric.TEMPERATURE, at(0))
    assert first[0] != excursion_id(COLD_ROOM, "S2", Metric.TEMPERATURE, at(0))
    assert first[0] != excursion_id(COLD_ROOM, "S1", Metric.HUMIDITY, at(0))


def test_state_round_trips_through_json_mid_excursion() -> None:
    state, _ = run([(0, 9.0), (5, 9.4)], grace=10)
    assert state.current is not None
    restored = DetectorState.from_json(json.loads(json.dumps(state.to_json())))
    assert restored == state
    assert run([(12, 9.9), (20, 4.0)], grace=10, state=restored) == run(
        [(12, 9.9), (20, 4.0)], grace=10, state=state
    )


def test_detect_reports_the_open_excursion_without_an_end() -> None:
    samples = [Sample(at(m), v) for m, v in [(0, 9.0), (10, 5.0), (20, 0.0), (30, -1.0)]]
    _, found = detect(fresh(), samples, TEMP)
    assert [(e.kind, e.ended_at, e.peak) for e in found] == [
        (ExcursionKind.TEMPERATURE_HIGH, at(10), 9.0),
        (ExcursionKind.TEMPERATURE_LOW, None, -1.0),
    ]


def test_a_reading_gives_a_sample_per_metric_it_carries() -> None:
    reading = Reading(sensor="S1", location=COLD_ROOM, at=T0, temperature_c=4.5)
    assert sample_of(reading, Metric.TEMPERATURE) == Sample(T0, 4.5)
    assert sample_of(reading, Metric.HUMIDITY) is None


def test_naive_sample_times_are_refused() -> None:
    with pytest.raises(NaiveTimestamp):
        step(fresh(), Sample(T0.replace(tzinfo=None), 5.0), TEMP)


def test_a_faulty_sensors_nan_neither_ends_nor_starts_an_excursion() -> None:
    state, _ = run([(0, 9.0)])
    assert run([(5, math.nan), (10, math.inf)], state=state) == (state, [])
