"""Stock and expiry per warehouse, with a CSV of the lines."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from lotledger.console.domain.csv_rows import stock_rows
from lotledger.console.domain.errors import BadForm
from lotledger.console.domain.stock import bar_chart
from lotledger.console.entrypoints.csv_response import csv_download
from lotledger.console.entrypoints.dependencies import ApisDep, ClockDep
from lotledger.console.entrypoints.session import Session, SessionDep
from lotledger.console.entrypoints.web import render
from lotledger.console.service.stock_page import StockPage, stock_page
from lotledger.shared.identifiers import check_warehouse

router = APIRouter(tags=["stock"])
Warehouse = Annotated[str, Query(max_length=32)]


async def _view(apis: ApisDep, session: Session, warehouse: str, clock: ClockDep) -> StockPage:
    if warehouse:
        try:
            check_warehouse(warehouse)
        except ValueError as exc:
            raise BadForm(str(exc), "warehouse") from exc
    named = [w for w in session.identity.warehouses if w != "*"]
    return await stock_page(apis, session.token, warehouse or None, named, clock.now().date())


@router.get("/stock")
async def stock(
    request: Request, session: SessionDep, apis: ApisDep, clock: ClockDep, warehouse: Warehouse = ""
) -> Response:
    view = await _view(apis, session, warehouse, clock)
    return render(
        request,
        "stock.html",
        {"view": view, "chart": bar_chart(view.buckets), "today": clock.now().date()},
    )


@router.get("/stock/csv")
async def stock_csv(
    request: Request, session: SessionDep, apis: ApisDep, clock: ClockDep, warehouse: Warehouse = ""
) -> Response:
    view = await _view(apis, session, warehouse, clock)
    rows = stock_rows(view.lines, view.names, clock.now().date())
    return csv_download(request, rows, f"stock-{warehouse or 'all'}.csv")
