"""A lot's trace, recall report, chain verification and EPCIS export."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from starlette.responses import Response

from lotledger.shared.identifiers import Gtin
from lotledger.shared.web.paths import LotInPath
from lotledger.traceability.adapters.queries.lots import LotRecord
from lotledger.traceability.entrypoints.api.dependencies import (
    ClockDep,
    Conn,
    Reader,
    SettingsDep,
)
from lotledger.traceability.entrypoints.api.responses import (
    LD_JSON,
    ld_json,
    model_json,
)
from lotledger.traceability.entrypoints.api.schemas.trace import RecallReport, Trace, Verification
from lotledger.traceability.entrypoints.api.views.epcis import lot_epcis
from lotledger.traceability.entrypoints.api.views.lots import visible_lot
from lotledger.traceability.entrypoints.api.views.recall import recall_report, verification
from lotledger.traceability.entrypoints.api.views.trace import trace

router = APIRouter(prefix="/v1/lots", tags=["lots"])
LOT_RESPONSES: dict[int | str, dict[str, Any]] = {
    403: {"description": "The lot was never in the token's warehouses"},
    404: {"description": "Unknown lot"},
}


async def _lot(gtin: Gtin, lot: LotInPath, conn: Conn, who: Reader) -> LotRecord:
    return await visible_lot(conn, who, gtin, lot)


VisibleLot = Annotated[LotRecord, Depends(_lot)]


@router.get(
    "/{gtin}/{lot}/trace",
    response_model=Trace,
    responses=LOT_RESPONSES,
    summary="Where the lot came from, every step in order, where it went",
)
async def lot_trace(row: VisibleLot, conn: Conn, who: Reader) -> Response:
    return Response(await trace(conn, who, row), media_type="application/json")


@router.get(
    "/{gtin}/{lot}/recall-report",
    response_model=RecallReport,
    responses=LOT_RESPONSES,
    summary="Every consignee with quantities and dates, on hand by location, status",
)
async def lot_recall_report(row: VisibleLot, conn: Conn, who: Reader, clock: ClockDep) -> Response:
    return model_json(await recall_report(conn, who, row, clock.now()))


@router.get(
    "/{gtin}/{lot}/verify",
    response_model=Verification,
    responses=LOT_RESPONSES,
    summary="Recompute the lot's hash chain; names the first broken version",
)
async def lot_verify(row: VisibleLot, conn: Conn, who: Reader) -> Verification:
    return await verification(conn, row)


@router.get(
    "/{gtin}/{lot}/epcis",
    response_class=Response,
    responses={
        200: {"content": {LD_JSON: {}}, "description": "An EPCIS 2.0 JSON-LD EPCISDocument"},
        **LOT_RESPONSES,
    },
    summary="The lot's history as EPCIS 2.0 (JSON-LD)",
)
async def lot_epcis_document(
    row: VisibleLot, conn: Conn, who: Reader, clock: ClockDep, settings: SettingsDep
) -> Response:
    document = await lot_epcis(conn, who, row, clock.now(), settings.traceability_own_party)
    return ld_json(document)
