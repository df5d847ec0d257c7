"""Where a late batch's recomputation begins (`recompute_from`), over arbitrary readings of
two sensors and any subset of them arriving late: judging again from there gives exactly
the excursions a run over every reading gives from there on, with none of them cut at
the anchor. The stores are in-memory stand-ins that answer as the SQL does."""

from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from lotledger.traceability.adapters.climate_store import ClimateStore
from lotledger.traceability.adapters.readings_store import ReadingStore
from lotledger.traceability.domain.excursion import Excursion
from lotledger.traceability.domain.excursions import detect
from lotledger.traceability.domain.limits import Limits, Metric
from lotledger.traceability.domain.series import Observation
from lotledger.traceability.service.climate import recompute_from
from tests.unit.traceability.climate_fixtures import COLD_ROOM, at, fresh


def LIMITS(_: datetime) -> Limits:
    return Limits(Metric.TEMPERATURE, 2.0, 8.0)


class Readings(ReadingStore):
    def __init__(self, stored: list[Observation]) -> None:
        self.stored = stored

    async def held_before(
        self, location: str, metric: Metric, before: datetime
    ) -> list[Observation]:
        latest: dict[str, Observation] = {}
        for o in sorted(self.stored, key=lambda o: o.at):
            if o.at < before:
                latest[o.sensor] = o
        return sorted(latest.values(), key=lambda o: (o.at, o.sensor))


class Climate(ClimateStore):
    def __init__(self, stored: list[Excursion]) -> None:
        self.stored = stored

    async def anchor(self, location: str, metric: Metric, start: datetime) -> datetime:
        while True:
            under_way = [
                x.started_at
                for x in self.stored
                if x.started_at < start and (x.ended_at is None or x.ended_at >= start)
            ]
            if not under_way:
                return start
            start = min(under_way)


def _run(readings: list[Observation], grace: float) -> list[Excursion]:
    ordered = sorted(readings, key=lambda o: (o.at, o.sensor))
    return detect(fresh(), ordered, LIMITS, grace)[1]


readings = st.dictionaries(
    st.tuples(st.sampled_from(["S1", "S2"]), st.integers(0, 60)),
    st.tuples(st.sampled_from([0.5, 5.0, 9.5]), st.booleans()),
    min_size=1,
    max_size=40,
)


@settings(max_examples=400)
@given(readings, st.sampled_from([0.0, 5.0, 15.0]))
async def test_judging_again_from_the_anchor_finds_what_a_whole_run_finds(
    drawn: dict[tuple[str, int], tuple[float, bool]], grace: float
) -> None:
    every = [Observation(at(m), s, value) for (s, m), (value, _) in drawn.items()]
    late = [Observation(at(m), s, value) for (s, m), (value, is_late) in drawn.items() if is_late]
    if not late:
        return
    earlier = [o for o in every if o not in late]
    since = min(o.at for o in late)

    anchor, held = await recompute_from(
        Readings(every),
        Climate(_run(earlier, grace)),
        COLD_ROOM,
        Metric.TEMPERATURE,
        since,
        LIMITS,
        [],
    )

    assert anchor is not None
    assert anchor <= since
    whole = _run(every, grace)
    assert all(x.ended_at is None or x.ended_at < anchor for x in whole if x.started_at < anchor)
    again = detect(
        fresh(),
        [*held, *sorted((o for o in every if o.at >= anchor), key=lambda o: (o.at, o.sensor))],
        LIMITS,
        grace,
    )[1]
    assert again == [x for x in whole if x.started_at >= anchor]
