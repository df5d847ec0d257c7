"""A batch's climate work: which series (location, metric) it disturbs and from when, the
detector run over each, and what changed in their excursions.

A series is disturbed from the earliest time a batch affects: its new readings' times, a
range change's `since`, a retirement's time, or from the beginning when its location
becomes known (its readings were kept, unjudged, until then). When that time is after
the last one the series' state has seen, the detector simply continues from the stored
state with the new readings. Otherwise (a logger's buffer arriving late, a range or a
retirement that changes the past) the series is recomputed from the stored readings,
starting at the latest instant at or before that time just before which the location was
in range by every sensor's held reading (`recompute_from`), from the readings each sensor
held then. Either way the result depends only on the readings and the catalog, never on
how they were batched or in which order they arrived, so a rebuild finds the live read
model again.

The excursions before (the stored ones from the anchor on, or the state's open ones) and
after are compared: what is new or changed is written and published, what disappeared
(late readings showed it to be part of an earlier one) is deleted and withdrawn.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from lotledger.shared.contracts.catalog import Location, Sensor
from lotledger.traceability.adapters.climate_store import ClimateStore
from lotledger.traceability.adapters.readings_store import ReadingStore
from lotledger.traceability.adapters.records import ReadingRecord
from lotledger.traceability.domain.climate_rules import ClimateRules
from lotledger.traceability.domain.excursions import detect
from lotledger.traceability.domain.limits import ClimateRanges, Limits, Metric
from lotledger.traceability.domain.series import Observation, SeriesKey, SeriesState
from lotledger.traceability.service.excursion_diff import Revision, revisions

BEGINNING: datetime | None = None


@dataclass
class Disturbed:
    """Series to judge again and from when (None: from the beginning); `catalog` marks
    series the catalog disturbed, which are always recomputed."""

    since: dict[SeriesKey, datetime | None] = field(default_factory=dict)
    catalog: set[SeriesKey] = field(default_factory=set)
    new: dict[SeriesKey, list[Observation]] = field(default_factory=dict)

    def mark(self, key: SeriesKey, at: datetime | None, by_catalog: bool = False) -> None:
        if key in self.since:
            current = self.since[key]
            at = None if current is None or at is None else min(current, at)
        self.since[key] = at
        if by_catalog:
            self.catalog.add(key)


def disturbed(
    readings: list[ReadingRecord],
    locations: Mapping[str, tuple[Location | None, Location]],
    sensors: Mapping[str, tuple[Sensor | None, Sensor]],
    rules: ClimateRules,
) -> Disturbed:
    found = Disturbed()
    for record in readings:
        r = record.reading
        for metric, value in (
            (Metric.TEMPERATURE, r.temperature_c),
            (Metric.HUMIDITY, r.humidity_pct),
        ):
            if value is not None:
                key = (r.location, metric)
                found.mark(key, r.at)
                found.new.setdefault(key, []).append(
                    Observation(r.at, r.sensor, value, record.recorded_at)
                )
    for location_id, (was, now) in locations.items():
        changed, since = True, BEGINNING
        if was is not None:
            old = ClimateRanges.of(was, rules.humidity)
            changed, since = old.first_difference(ClimateRanges.of(now, rules.humidity))
        if changed:
            for metric in Metric:
                found.mark((location_id, metric), since, by_catalog=True)
    for previous, sensor in sensors.values():
        retired = sensor.retired_at
        if retired is not None and (previous is None or previous.retired_at != retired):
            for metric in Metric:
                found.mark((sensor.location, metric), retired, by_catalog=True)
    for observations in found.new.values():
        observations.sort(key=lambda o: (o.at, o.sensor))
    return found


async def judge(
    readings: ReadingStore,
    climate: ClimateStore,
    locations: Mapping[str, Location],
    work: Disturbed,
    rules: ClimateRules,
) -> list[Revision]:
    """Run the detector over every disturbed series at a known location, write the
    states and excursions, and return what changed for publishing, in key order."""
    keys = sorted(k for k in work.since if k[0] in locations)
    states = await climate.states(keys)
    saved: list[SeriesState] = []
    changed: list[Revision] = []
    for key in keys:
        location, metric = key
        ranges = ClimateRanges.of(locations[location], rules.humidity)

        def limits_at(
            at: datetime, metric: Metric = metric, ranges: ClimateRanges = ranges
        ) -> Limits:
            return ranges.limits(metric, at)

        state, since = states.get(key), work.since[key]
        in_order = (
            key not in work.catalog
            and since is not None
            and (state is None or state.last_at is None or since > state.last_at)
        )
        if in_order:
            start = state or SeriesState(location, metric)
            before = start.confirmed()
            observations = work.new.get(key, [])
        else:
            retired = await readings.retirements(location)
            anchor, held = await recompute_from(
                readings, climate, location, metric, since, limits_at, retired
            )
            before = await climate.excursions_from(location, metric, anchor)
            start = SeriesState(location, metric)
            observations = await _history(readings, location, metric, anchor, held, retired)
        end, touched = detect(start, observations, limits_at, rules.grace_minutes)
        if end.last_at is not None:
            saved.append(end)
        after = {x.excursion_id: x for x in end.confirmed()} | {x.excursion_id: x for x in touched}
        marked = [x.marked(rules.late_after) for x in after.values()]
        changed.extend(revisions(before, marked))
    await climate.save_states(saved)
    written = [r.excursion for r in changed if not r.withdrawn]
    await climate.save_excursions(written)
    await climate.delete_excursions([r.excursion.excursion_id for r in changed if r.withdrawn])
    return changed


async def recompute_from(
    readings: ReadingStore,
    climate: ClimateStore,
    location: str,
    metric: Metric,
    since: datetime | None,
    limits_at: Callable[[datetime], Limits],
    retirements: Sequence[Observation],
) -> tuple[datetime | None, list[Observation]]:
    """Where a recomputation of the series disturbed from `since` may begin afresh, and the
    readings each sensor held just before it: the latest instant not after `since` just
    before which no stored excursion was under way (one ending at that very instant still
    was) and no sensor held an out-of-range reading (an excursion still within its grace
    period is not stored). Starting later would open an excursion at a held reading's time
    instead of at its true start, under another id. `retirements` are the location's
    (`ReadingStore.retirements`)."""
    if since is None:
        return None, []
    retired = {o.sensor: o.at for o in retirements}
    at = since
    while True:
        at = await climate.anchor(location, metric, at)
        held = await readings.held_before(location, metric, at)
        out = [
            h.at
            for h in held
            if h.value is not None
            and limits_at(h.at).breach(h.value) is not None
            and not (h.sensor in retired and retired[h.sensor] < at)
        ]
        if not out:
            return at, held
        at = min(out)


async def _history(
    readings: ReadingStore,
    location: str,
    metric: Metric,
    anchor: datetime | None,
    held: list[Observation],
    retired: Sequence[Observation],
) -> list[Observation]:
    """What the detector is fed to recompute from `anchor`: the readings each sensor held
    then, the location's retirements, and every reading from `anchor` on, in time order
    (a retirement after a reading at the same instant)."""
    rest = await readings.since(location, metric, anchor)
    merged = [*held, *rest, *retired]
    merged.sort(key=lambda o: (o.at, o.value is None, o.sensor))
    return merged
