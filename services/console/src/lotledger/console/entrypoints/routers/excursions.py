"""The excursion page: chart with the range band and the excursion shaded, exposed lots."""

from __future__ import annotations

import uuid

import orjson
from fastapi import APIRouter, Request
from starlette.responses import Response

from lotledger.console.domain.errors import Missing
from lotledger.console.entrypoints.dependencies import ApisDep, ClockDep
from lotledger.console.entrypoints.session import SessionDep
from lotledger.console.entrypoints.web import render, segment
from lotledger.console.service.excursion_page import excursion_page

router = APIRouter(tags=["climate"])


@router.get("/excursions/{excursion_id}")
async def excursion(
    request: Request, excursion_id: str, session: SessionDep, apis: ApisDep, clock: ClockDep
) -> Response:
    try:
        key = str(uuid.UUID(segment(excursion_id)))
    except ValueError as exc:
        raise Missing("an excursion id is a UUID") from exc
    view = await excursion_page(apis, session.token, key, clock.now())
    chart = orjson.dumps(view.chart.as_json()).decode().replace("</", "<\\/")
    return render(request, "excursion.html", {"view": view, "chart_json": chart})
