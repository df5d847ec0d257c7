"""The forecast page: at-risk lots per warehouse and a product's forecast stock chart."""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from lotledger.console.domain.errors import BadForm
from lotledger.console.entrypoints.dependencies import ApisDep, ClockDep
from lotledger.console.entrypoints.session import SessionDep
from lotledger.console.entrypoints.web import render
from lotledger.console.service.forecast_page import forecast_page
from lotledger.shared.identifiers import check_warehouse, normalize_gtin

router = APIRouter(tags=["forecast"])
Text = Annotated[str, Query(max_length=32)]


@router.get("/forecast")
async def forecast(
    request: Request,
    session: SessionDep,
    apis: ApisDep,
    clock: ClockDep,
    warehouse: Text = "",
    gtin: Text = "",
) -> Response:
    try:
        if warehouse:
            check_warehouse(warehouse)
    except ValueError as exc:
        raise BadForm(str(exc), "warehouse") from exc
    try:
        product = normalize_gtin(gtin) if gtin else None
    except ValueError as exc:
        raise BadForm(str(exc), "gtin") from exc
    named = [w for w in session.identity.warehouses if w != "*"]
    today = clock.now().date()
    view = await forecast_page(apis, session.token, warehouse or None, product, named, today)
    chart = orjson.dumps(view.curve.as_json() if view.curve else None).decode()
    return render(
        request,
        "forecast.html",
        {"view": view, "chart_json": chart.replace("</", "<\\/"), "today": today},
    )
