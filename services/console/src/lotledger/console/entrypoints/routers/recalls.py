"""The recall report, by recall id or for one lot, as a page (print-ready) and as CSV."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from lotledger.console.domain.csv_rows import recall_rows
from lotledger.console.domain.errors import Missing
from lotledger.console.domain.lookup import lot_ref
from lotledger.console.entrypoints.csv_response import csv_download
from lotledger.console.entrypoints.dependencies import ApisDep, ClockDep, SettingsDep
from lotledger.console.entrypoints.session import SessionDep
from lotledger.console.entrypoints.web import lot_url, render, segment
from lotledger.console.service.recall_page import RecallPage, by_recall_id, of_lot

router = APIRouter(tags=["recalls"])
MAX_RECALL_ID = 64


def _recall_id(raw: str) -> str:
    value = segment(raw)
    if not value or len(value) > MAX_RECALL_ID:
        raise Missing("a recall id is 1-64 characters")
    return value


def _page(request: Request, view: RecallPage, csv_url: str, clock: ClockDep) -> Response:
    return render(request, "recall.html", {"view": view, "csv_url": csv_url, "now": clock.now()})


@router.get("/recalls/{recall_id}")
async def recall(
    request: Request,
    recall_id: str,
    session: SessionDep,
    apis: ApisDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> Response:
    rid = _recall_id(recall_id)
    view = await by_recall_id(apis, session.token, rid, settings.console_recall_scan)
    return _page(request, view, f"/recalls/{recall_id}/csv", clock)


@router.get("/recalls/{recall_id}/csv")
async def recall_csv(
    request: Request, recall_id: str, session: SessionDep, apis: ApisDep, settings: SettingsDep
) -> Response:
    rid = _recall_id(recall_id)
    view = await by_recall_id(apis, session.token, rid, settings.console_recall_scan)
    rows = recall_rows(rid, [x.report for x in view.lots])
    return csv_download(request, rows, f"recall-{rid}.csv")


@router.get("/lots/{gtin}/{lot}/recall")
async def lot_recall(
    request: Request, gtin: str, lot: str, session: SessionDep, apis: ApisDep, clock: ClockDep
) -> Response:
    ref = lot_ref(segment(gtin), segment(lot))
    view = await of_lot(apis, session.token, ref.gtin, ref.lot)
    return _page(request, view, lot_url(ref.gtin, ref.lot, "/recall/csv"), clock)


@router.get("/lots/{gtin}/{lot}/recall/csv")
async def lot_recall_csv(
    request: Request, gtin: str, lot: str, session: SessionDep, apis: ApisDep
) -> Response:
    ref = lot_ref(segment(gtin), segment(lot))
    view = await of_lot(apis, session.token, ref.gtin, ref.lot)
    rows = recall_rows(view.recall_id or "", [x.report for x in view.lots])
    return csv_download(request, rows, f"recall-{ref.gtin}-{ref.lot}.csv")
