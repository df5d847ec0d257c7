"""What a consignee received."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from lotledger.shared.identifiers import PartyId
from lotledger.shared.web.paging import Offset
from lotledger.traceability.adapters.queries import lots as q
from lotledger.traceability.entrypoints.api.dependencies import (
    DEFAULT,
    Conn,
    Limit,
    Reader,
    scope,
)
from lotledger.traceability.entrypoints.api.schemas.common import Page, page_of
from lotledger.traceability.entrypoints.api.schemas.lots import ConsigneeLot
from lotledger.traceability.entrypoints.api.views.lots import consignee_lot

router = APIRouter(prefix="/v1/consignees", tags=["parties"])


@router.get(
    "/{party}/lots",
    response_model=Page[ConsigneeLot],
    summary="Lots shipped to a consignee, with quantities, dates and returns",
)
async def consignee_lots(
    party: Annotated[PartyId, Path()],
    conn: Conn,
    who: Reader,
    limit: Limit = DEFAULT,
    offset: Offset = 0,
) -> Page[ConsigneeLot]:
    rows = await q.consignee_lots(conn, party, scope(who), limit + 1, offset)
    return page_of([consignee_lot(r) for r in rows], limit, offset)
