"""Excursions by location, time window and open state; one excursion with its exposed lots."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from lotledger.shared.identifiers import LocationId, warehouse_of
from lotledger.shared.web.paging import Offset
from lotledger.shared.web.windows import TimeWindow
from lotledger.traceability.adapters.queries import climate as q
from lotledger.traceability.domain.errors import UnknownExcursion
from lotledger.traceability.entrypoints.api.dependencies import (
    DEFAULT,
    ClockDep,
    Conn,
    Limit,
    Reader,
    scope,
)
from lotledger.traceability.entrypoints.api.schemas.climate import ExcursionDetail, ExcursionView
from lotledger.traceability.entrypoints.api.schemas.common import Page, page_of
from lotledger.traceability.entrypoints.api.views.climate import excursion_detail, excursion_view

router = APIRouter(prefix="/v1/excursions", tags=["climate"])


@router.get(
    "",
    response_model=Page[ExcursionView],
    summary="Excursions overlapping [from, to), newest first",
)
async def list_excursions(
    conn: Conn,
    who: Reader,
    window: TimeWindow,
    location: Annotated[LocationId | None, Query()] = None,
    open: Annotated[bool | None, Query(description="only open (true) or ended (false)")] = None,
    limit: Limit = DEFAULT,
    offset: Offset = 0,
) -> Page[ExcursionView]:
    if location is not None:
        who.require_warehouse(warehouse_of(location))
    found = q.ExcursionFilter(location, window.start, window.end, open, scope(who))
    rows = await q.excursions(conn, found, limit + 1, offset)
    return page_of([excursion_view(x) for x in rows], limit, offset)


@router.get(
    "/{excursion_id}",
    response_model=ExcursionDetail,
    responses={
        403: {"description": "The excursion's warehouse is not in the token"},
        404: {"description": "Unknown excursion"},
    },
    summary="One excursion and the lots exposed to it, with exposure minutes",
)
async def get_excursion(
    excursion_id: UUID, conn: Conn, who: Reader, clock: ClockDep
) -> ExcursionDetail:
    found = await q.excursion(conn, excursion_id)
    if found is None:
        raise UnknownExcursion(f"excursion {excursion_id} is unknown", field="excursion_id")
    who.require_warehouse(warehouse_of(found.location))
    return await excursion_detail(conn, found, clock.now())
