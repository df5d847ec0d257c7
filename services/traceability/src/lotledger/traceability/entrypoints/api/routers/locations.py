"""A location's climate over a window: readings, min/max and mean kinetic temperature."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query

from lotledger.shared.web.paths import LocationInPath
from lotledger.shared.web.windows import TimeWindow
from lotledger.traceability.adapters.queries import climate as q
from lotledger.traceability.domain.errors import EmptyWindow, UnknownLocation, WindowTooLong
from lotledger.traceability.entrypoints.api.dependencies import (
    ClockDep,
    Conn,
    Reader,
    SettingsDep,
)
from lotledger.traceability.entrypoints.api.schemas.climate import Climate
from lotledger.traceability.entrypoints.api.views.climate import location_climate

router = APIRouter(prefix="/v1/locations", tags=["climate"])
MAX_WINDOW = timedelta(days=366)
DEFAULT_WINDOW = timedelta(hours=24)
EARLIEST = datetime.min.replace(tzinfo=UTC)


@router.get(
    "/{location_id:location}/climate",
    response_model=Climate,
    responses={404: {"description": "Unknown location"}},
    summary="Readings, min/max and MKT over [from, to) (default: the last 24 hours)",
)
async def climate(
    location_id: LocationInPath,
    conn: Conn,
    who: Reader,
    clock: ClockDep,
    settings: SettingsDep,
    window: TimeWindow,
    limit: Annotated[int, Query(ge=0, le=10_000, description="readings listed")] = 1000,
) -> Climate:
    end = window.end or clock.now()
    start = window.start or end - min(DEFAULT_WINDOW, end - EARLIEST)
    if end <= start:
        raise EmptyWindow("`to` must be after `from`", field="query.to")
    if end - start > MAX_WINDOW:
        raise WindowTooLong(f"a window is at most {MAX_WINDOW.days} days", field="query.from")
    location = await q.location(conn, location_id)
    if location is None:
        raise UnknownLocation(f"location {location_id} is unknown", location=location_id)
    who.require_warehouse(location["warehouse"])
    humidity = settings.climate_rules().humidity
    return await location_climate(
        conn, location, start, end, limit, settings.mkt_max_hold(), humidity
    )
