"""Forecasts per product and warehouse (docs/adr/0015-forecast.md): expiry risk and
replenishment, for the warehouses the caller's token covers (`warehouse` narrows them;
one outside the token is refused). The expiry-risk report without `gtin` reads the
forecasts the evaluations kept; with `gtin`, and replenishment, compute live."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from lotledger.alerts.domain.forecast import WarehouseForecast
from lotledger.alerts.entrypoints.api.dependencies import RuntimeDep
from lotledger.alerts.entrypoints.api.forecast_views import (
    ExpiryRiskReport,
    ReplenishmentReport,
    expiry_risk_view,
    replenishment_view,
)
from lotledger.alerts.entrypoints.api.scope import visible_warehouses
from lotledger.alerts.service import forecasting
from lotledger.shared.identifiers import Gtin, WarehouseId
from lotledger.shared.web.security import Caller

router = APIRouter(prefix="/v1/forecast", tags=["forecast"])
Limit = Annotated[int, Query(ge=1, le=10000, description="at most this many items")]


@router.get("/expiry-risk", response_model=ExpiryRiskReport, summary="FEFO-sequenced expiry risk")
async def expiry_risk(
    rt: RuntimeDep,
    who: Caller,
    warehouse: WarehouseId | None = None,
    gtin: Gtin | None = None,
    limit: Limit = 1000,
) -> ExpiryRiskReport:
    now = rt.clock.now()
    async with rt.uow() as uow:
        wanted = await visible_warehouses(uow.stores, who, warehouse)
        if gtin is None:
            kept = await forecasting.kept_in(uow.stores, wanted, limit)
            as_of = min((k.computed_at for k in kept), default=now)
            return ExpiryRiskReport(as_of=as_of, items=[expiry_risk_view(k) for k in kept])
        found = await forecasting.forecasts_in(
            uow.stores, wanted, gtin, now, rt.settings.forecast_settings()
        )
    found.sort(key=lambda f: (-f.risk.qty_at_risk, f.gtin, f.warehouse))
    return ExpiryRiskReport(as_of=now, items=[expiry_risk_view(f) for f in found[:limit]])


@router.get(
    "/replenishment", response_model=ReplenishmentReport, summary="Reorder points and suggestions"
)
async def replenishment(
    rt: RuntimeDep,
    who: Caller,
    warehouse: WarehouseId | None = None,
    gtin: Gtin | None = None,
    limit: Limit = 1000,
) -> ReplenishmentReport:
    now = rt.clock.now()
    async with rt.uow() as uow:
        wanted = await visible_warehouses(uow.stores, who, warehouse)
        found = await forecasting.forecasts_in(
            uow.stores, wanted, gtin, now, rt.settings.forecast_settings()
        )

    def urgency(f: WarehouseForecast) -> tuple[bool, float, str, str]:
        cover = f.risk.days_of_cover
        return (
            not f.plan.reorder,
            float("inf") if cover is None else float(cover),
            f.gtin,
            f.warehouse,
        )

    found.sort(key=urgency)
    return ReplenishmentReport(as_of=now, items=[replenishment_view(f) for f in found[:limit]])
