"""Stock as of a past instant."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from lotledger.shared.identifiers import Gtin, LocationId, warehouse_of
from lotledger.shared.instants import Instant
from lotledger.shared.web.paging import Offset
from lotledger.traceability.adapters.queries.stock import stock_as_of
from lotledger.traceability.entrypoints.api.dependencies import (
    DEFAULT,
    Conn,
    Limit,
    Reader,
    scope,
)
from lotledger.traceability.entrypoints.api.schemas.climate import StockLine
from lotledger.traceability.entrypoints.api.schemas.common import Page, page_of

router = APIRouter(prefix="/v1/stock", tags=["stock"])


@router.get(
    "/as-of",
    response_model=Page[StockLine],
    summary="What was where at an instant (after every event stamped at or before it)",
)
async def as_of(
    conn: Conn,
    who: Reader,
    at: Annotated[Instant, Query(description="the instant (RFC 3339 with an offset)")],
    location: Annotated[LocationId | None, Query()] = None,
    gtin: Annotated[Gtin | None, Query()] = None,
    limit: Limit = DEFAULT,
    offset: Offset = 0,
) -> Page[StockLine]:
    if location is not None:
        who.require_warehouse(warehouse_of(location))
    rows = await stock_as_of(conn, at, location, gtin, scope(who), limit + 1, offset)
    return page_of([StockLine(**dict(r)) for r in rows], limit, offset)
