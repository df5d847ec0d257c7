"""Lots: the filtered list and one lot's summary with its reconciliation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from lotledger.shared.calendar import CalendarDate
from lotledger.shared.contracts.stock import BatchStatus
from lotledger.shared.identifiers import Gtin, LocationId, Reference, warehouse_of
from lotledger.shared.web.paging import Offset
from lotledger.traceability.adapters.queries import lots as q
from lotledger.traceability.entrypoints.api.dependencies import (
    DEFAULT,
    Conn,
    Limit,
    Reader,
    scope,
)
from lotledger.traceability.entrypoints.api.routers.lot_records import LOT_RESPONSES, VisibleLot
from lotledger.traceability.entrypoints.api.schemas.common import Page, page_of
from lotledger.traceability.entrypoints.api.schemas.lots import LotEntry, LotSummary
from lotledger.traceability.entrypoints.api.views.lots import lot_entry, summary

router = APIRouter(prefix="/v1/lots", tags=["lots"])


@router.get(
    "", response_model=Page[LotEntry], summary="Lots by gtin, status, expiry, location, recall"
)
async def list_lots(
    conn: Conn,
    who: Reader,
    gtin: Annotated[Gtin | None, Query()] = None,
    status: Annotated[BatchStatus | None, Query()] = None,
    expiring_before: Annotated[
        CalendarDate | None, Query(description="expiry strictly before (YYYY-MM-DD)")
    ] = None,
    location: Annotated[LocationId | None, Query(description="with stock there now")] = None,
    in_stock: Annotated[bool | None, Query(description="on hand anywhere, or nowhere")] = None,
    recall_id: Annotated[
        Reference | None, Query(description="recalled under this recall id")
    ] = None,
    limit: Limit = DEFAULT,
    offset: Offset = 0,
) -> Page[LotEntry]:
    if location is not None:
        who.require_warehouse(warehouse_of(location))
    found = q.LotFilter(
        gtin=gtin,
        status=None if status is None else status.value,
        expiring_before=expiring_before,
        location=location,
        in_stock=in_stock,
        recall_id=recall_id,
        warehouses=scope(who),
    )
    rows = await q.lots(conn, found, limit + 1, offset)
    return page_of([lot_entry(r) for r in rows], limit, offset)


@router.get(
    "/{gtin}/{lot}",
    response_model=LotSummary,
    responses=LOT_RESPONSES,
    summary="Status, expiry, balances and whether the lot's flows reconcile",
)
async def lot_summary(row: VisibleLot, conn: Conn, who: Reader) -> LotSummary:
    return await summary(conn, who, row)
