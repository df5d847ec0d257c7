"""Properties of the detector over arbitrary sample sequences, checked against a plain
run-length oracle written independently of the state machine."""

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from lotledger.shared.contracts.excursions import ExcursionKind
from lotledger.traceability.domain.excursions import Change, Phase, detect, step
from lotledger.traceability.domain.limits import Limits, Metric
from lotledger.traceability.domain.series import Observation, SeriesState
from tests.unit.traceability.climate_fixtures import at, fresh


def LIMITS(_: datetime) -> Limits:
    return Limits(Metric.TEMPERATURE, 2.0, 8.0)


@dataclass(frozen=True)
class Run:
    kind: ExcursionKind
    started_at: datetime
    last_at: datetime
    ended_at: datetime | None
    peak: float
    readings: int


def oracle(samples: list[Observation], grace: float) -> list[Run]:
    effective: list[Observation] = []
    for s in samples:
        if not effective or s.at > effective[-1].at:
            effective.append(s)
    runs: list[Run] = []
    for s in effective:
        assert s.value is not None
        value = s.value
        kind = (
            ExcursionKind.TEMPERATURE_HIGH
            if value > 8.0
            else ExcursionKind.TEMPERATURE_LOW
            if value < 2.0
            else None
        )
        last = runs[-1] if runs and runs[-1].ended_at is None else None
        if last is not None and last.kind != kind:
            runs[-1] = Run(last.kind, last.started_at, last.last_at, s.at, last.peak, last.readings)
            last = None
        if kind is None:
            continue
        if last is None:
            runs.append(Run(kind, s.at, s.at, None, value, 1))
        else:
            pick = max if kind is ExcursionKind.TEMPERATURE_HIGH else min
            runs[-1] = Run(
                kind, last.started_at, s.at, None, pick(last.peak, value), last.readings + 1
            )
    limit = timedelta(minutes=grace)
    return [r for r in runs if (r.ended_at or r.last_at) - r.started_at >= limit]


steps = st.lists(
    st.tuples(st.integers(-10, 30), st.floats(-3.0, 13.0, allow_nan=False)), max_size=60
)
graces = st.sampled_from([0.0, 5.0, 15.0, 30.0])


def samples_of(moves: list[tuple[int, float]]) -> list[Observation]:
    minute, samples = 0, []
    for gap, value in moves:
        minute += gap
        samples.append(Observation(at(minute), "S1", value))
    return samples


@settings(max_examples=300)
@given(steps, graces)
def test_the_detector_agrees_with_the_run_oracle(
    moves: list[tuple[int, float]], grace: float
) -> None:
    samples = samples_of(moves)
    _, found = detect(fresh(), samples, LIMITS, grace)
    assert [(e.kind, e.started_at, e.ended_at, e.peak, e.readings) for e in found] == [
        (r.kind, r.started_at, r.ended_at, r.peak, r.readings) for r in oracle(samples, grace)
    ]


@settings(max_examples=300)
@given(steps, graces)
def test_excursions_never_overlap_and_end_only_after_starting(
    moves: list[tuple[int, float]], grace: float
) -> None:
    state, log = fresh(), list[Change]()
    for sample in samples_of(moves):
        state, changes = step(state, sample, LIMITS, grace)
        log.extend(changes)
    started: set[str] = set()
    ended: set[str] = set()
    open_ids: list[str] = []
    for change in log:
        eid = change.excursion.excursion_id
        assert eid not in ended
        if change.phase is Phase.STARTED:
            assert eid not in started
            assert open_ids == []
            started.add(eid)
            open_ids.append(eid)
        else:
            assert open_ids == [eid]
        if change.phase is Phase.ENDED:
            ended.add(eid)
            open_ids.clear()
            duration = change.excursion.duration_minutes
            assert duration is not None
            assert duration >= grace
    assert bool(state.confirmed()) == bool(open_ids)


@given(steps, graces)
def test_persisting_the_state_between_samples_changes_nothing(
    moves: list[tuple[int, float]], grace: float
) -> None:
    kept, stored = fresh(), fresh()
    for sample in samples_of(moves):
        kept, expected = step(kept, sample, LIMITS, grace)
        stored = SeriesState.from_json(json.loads(json.dumps(stored.to_json())))
        stored, got = step(stored, sample, LIMITS, grace)
        assert got == expected
    assert stored == kept


def any_sensor_oracle(events: list[Observation]) -> list[tuple[datetime, datetime | None, float]]:
    """Too-warm spells of a room as (start, end, peak), from nothing but the rule: after
    each reading, the room is too warm while any sensor's latest value is above 8."""
    latest: dict[str, float] = {}
    spells: list[tuple[datetime, datetime | None, float]] = []
    for e in events:
        assert e.value is not None
        latest[e.sensor] = e.value
        warm = any(v > 8.0 for v in latest.values())
        under_way = bool(spells) and spells[-1][1] is None
        if warm and not under_way:
            spells.append((e.at, None, e.value))
        elif warm:
            start, _, peak = spells[-1]
            spells[-1] = (start, None, max(peak, e.value) if e.value > 8.0 else peak)
        elif under_way:
            start, _, peak = spells[-1]
            spells[-1] = (start, e.at, peak)
    return spells


readings_of_two = st.lists(
    st.tuples(st.sampled_from(["A", "B"]), st.integers(1, 10), st.floats(4.0, 12.0)),
    max_size=40,
)


@settings(max_examples=300)
@given(readings_of_two)
def test_two_sensors_agree_with_the_any_sensor_oracle(
    moves: list[tuple[str, int, float]],
) -> None:
    minute, events = 0, []
    for sensor, gap, value in moves:
        minute += gap
        events.append(Observation(at(minute), sensor, value))
    _, found = detect(fresh(), events, LIMITS)
    high = [x for x in found if x.kind is ExcursionKind.TEMPERATURE_HIGH]
    assert [(x.started_at, x.ended_at, x.peak) for x in high] == any_sensor_oracle(events)
