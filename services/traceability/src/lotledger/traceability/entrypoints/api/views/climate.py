"""Excursions, a lot's exposure and stay MKT, and a location's climate window.

Exposure and MKT are computed at query time from residence, excursions and readings
(domain `exposure`, `stay_mkt`, `window_mkt`); open intervals and open excursions run to
now. A scoped token's lot climate covers the lot's stay in its warehouses only.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime, timedelta

from lotledger.shared.auth import Principal
from lotledger.shared.contracts.catalog import Location
from lotledger.shared.db import Driver, Row, json_value
from lotledger.shared.identifiers import warehouse_of
from lotledger.traceability.adapters.queries import climate as q
from lotledger.traceability.adapters.queries import history as h
from lotledger.traceability.adapters.queries.lots import LotRecord
from lotledger.traceability.domain.excursion import Excursion
from lotledger.traceability.domain.limits import ClimateRanges, HumidityDefault
from lotledger.traceability.domain.mkt import (
    TemperatureReading,
    stay_mkt,
    stay_segments,
    window_mkt,
)
from lotledger.traceability.domain.residence import Interval, exposure
from lotledger.traceability.entrypoints.api.schemas.climate import (
    Climate,
    ExcursionDetail,
    ExcursionView,
    ExposedLotView,
    LotClimate,
    LotExposureView,
    RangeView,
    ReadingView,
)


def excursion_view(x: Excursion) -> ExcursionView:
    return ExcursionView(
        excursion_id=x.excursion_id,
        location=x.location,
        sensor=x.sensor,
        kind=x.kind,
        limit=x.limit,
        started_at=x.started_at,
        ended_at=x.ended_at,
        open=x.ended_at is None,
        peak=x.peak,
        readings=x.readings,
        duration_minutes=x.duration_minutes,
        sensors=list(x.sensors),
        detected_late=x.detected_late,
    )


async def excursion_detail(conn: Driver, x: Excursion, now: datetime) -> ExcursionDetail:
    end = x.ended_at or now
    by_lot: dict[tuple[str, str], list[Interval]] = {}
    for interval in await q.intervals_during(conn, x.location, x.started_at, end):
        by_lot.setdefault((interval.gtin, interval.lot), []).append(interval)
    exposed = []
    for (gtin, lot), intervals in sorted(by_lot.items()):
        found = exposure(intervals, x.location, x.started_at, end)
        if found is not None:
            exposed.append(
                ExposedLotView(
                    gtin=gtin, lot=lot, exposure_minutes=found.minutes, max_qty=found.max_qty
                )
            )
    return ExcursionDetail(**excursion_view(x).model_dump(), exposed_lots=exposed)


def stay_spans(
    intervals: Iterable[Interval], now: datetime
) -> list[tuple[str, datetime, datetime]]:
    """Per location, the lot's intervals merged where they touch (fewer reading scans)."""
    spans: list[tuple[str, datetime, datetime]] = []
    ordered = sorted((i.location, i.start, min(i.end or now, now)) for i in intervals)
    for location, start, end in ordered:
        if spans and spans[-1][0] == location and start <= spans[-1][2]:
            spans[-1] = (location, spans[-1][1], max(spans[-1][2], end))
        elif start < end:
            spans.append((location, start, end))
    return spans


async def lot_climate(
    conn: Driver, who: Principal, lot_row: LotRecord, now: datetime, max_hold: timedelta | None
) -> LotClimate:
    gtin, lot = lot_row.gtin, lot_row.lot
    intervals = [
        i for i in await h.residence(conn, gtin, lot) if who.may_access(warehouse_of(i.location))
    ]
    exposures = []
    for x in await q.lot_excursions(conn, gtin, lot):
        found = exposure(intervals, x.location, x.started_at, x.ended_at or now)
        if found is not None:
            exposures.append(
                LotExposureView(
                    excursion=excursion_view(x),
                    exposure_minutes=found.minutes,
                    max_qty=found.max_qty,
                )
            )
    spans = stay_spans(intervals, now)
    temperatures = await q.temperatures(conn, spans)
    segments = stay_segments(intervals, temperatures, until=now)
    return LotClimate(
        gtin=gtin,
        lot=lot,
        exposures=exposures,
        mkt_c=stay_mkt(segments, max_hold=max_hold),
        stay_from=min((i.start for i in intervals), default=None),
        stay_until=max((min(i.end or now, now) for i in intervals), default=None),
    )


def _finite(values: Iterable[float | None]) -> list[float]:
    return [v for v in values if v is not None and math.isfinite(v)]


def ranges_during(ranges: ClimateRanges, start: datetime, end: datetime) -> list[RangeView]:
    """The ranges in force at some instant of `[start, end)`, oldest first."""
    during = [r for r in ranges.ranges if r.since is None or r.since < end]
    first = ranges.in_force(start)
    kept = [first, *(r for r in during if r.since is not None and r.since > start)]
    return [RangeView(**vars(r)) for r in kept]


async def location_climate(
    conn: Driver,
    location: Row,
    start: datetime,
    end: datetime,
    limit: int,
    max_hold: timedelta | None,
    humidity: HumidityDefault,
) -> Climate:
    rows = await q.readings(conn, location["location_id"], start, end)
    within = [r for r in rows if r["at"] >= start]
    temps = [
        TemperatureReading(r["at"], r["temperature_c"])
        for r in rows
        if r["temperature_c"] is not None
    ]
    t = _finite(r["temperature_c"] for r in within)
    rh = _finite(r["humidity_pct"] for r in within)
    return Climate(
        location=location["location_id"],
        start=start,
        end=end,
        readings_count=len(within),
        readings=[ReadingView(**dict(r)) for r in within[:limit]],
        truncated=len(within) > limit,
        temperature_min_c=min(t, default=None),
        temperature_max_c=max(t, default=None),
        humidity_min_pct=min(rh, default=None),
        humidity_max_pct=max(rh, default=None),
        mkt_c=window_mkt(temps, start, end, max_hold=max_hold),
        temp_min_c=location["temp_min_c"],
        temp_max_c=location["temp_max_c"],
        ranges=ranges_during(
            ClimateRanges.of(Location.model_validate(json_value(location["record"])), humidity),
            start,
            end,
        ),
    )
