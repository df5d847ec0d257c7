"""A lot's exposure to excursions and its mean kinetic temperature over its stay."""

from __future__ import annotations

from fastapi import APIRouter

from lotledger.traceability.entrypoints.api.dependencies import (
    ClockDep,
    Conn,
    Reader,
    SettingsDep,
)
from lotledger.traceability.entrypoints.api.routers.lot_records import LOT_RESPONSES, VisibleLot
from lotledger.traceability.entrypoints.api.schemas.climate import LotClimate
from lotledger.traceability.entrypoints.api.views.climate import lot_climate

router = APIRouter(prefix="/v1/lots", tags=["lots", "climate"])


@router.get(
    "/{gtin}/{lot}/excursions",
    response_model=LotClimate,
    responses=LOT_RESPONSES,
    summary="Excursions while the lot was there: exposure minutes, peaks; MKT over its stay",
)
async def lot_excursions(
    row: VisibleLot, conn: Conn, who: Reader, clock: ClockDep, settings: SettingsDep
) -> LotClimate:
    return await lot_climate(conn, who, row, clock.now(), settings.mkt_max_hold())
