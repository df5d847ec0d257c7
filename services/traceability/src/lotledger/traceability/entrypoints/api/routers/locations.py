"""A location's climate over a window: readings, min/max and mean kinetic temperature."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Path, Query

from lotledger.shared.identifiers import LocationId
from lotledger.traceability.adapters.queries import climate as q
from lotledger.traceability.domain.errors import EmptyWindow, UnknownLocation, WindowTooLong
from lotledger.traceability.domain.instants import require_aware
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


@router.get(
    "/{location_id:path}/climate",
    response_model=Climate,
    responses={404: {"description": "Unknown location"}},
    summary="Readings, min/max and MKT over [from, to) (default: the last 24 hours)",
)
async def climate(
    location_id: Annotated[LocationId, Path()],
    conn: Conn,
    who: Reader,
    clock: ClockDep,
    settings: SettingsDep,
    start: Annotated[datetime | None, Query(alias="from")] = None,
    end: Annotated[datetime | None, Query(alias="to")] = None,
    limit: Annotated[int, Query(ge=0, le=10_000, description="readings listed")] = 1000,
) -> Climate:
    end = require_aware(end, "to") if end is not None else clock.now()
    start = require_aware(start, "from") if start is not None else end - timedelta(hours=24)
    if end <= start:
        raise EmptyWindow("`to` must be after `from`", field="to")
    if end - start > MAX_WINDOW:
        raise WindowTooLong(f"a window is at most {MAX_WINDOW.days} days", field="from")
    location = await q.location(conn, location_id)
    if location is None:
        raise UnknownLocation(f"location {location_id} is unknown", location=location_id)
    who.require_warehouse(location["warehouse"])
    humidity = settings.climate_rules().humidity
    return await location_climate(
        conn, location, start, end, limit, settings.mkt_max_hold(), humidity
    )
