"""The live alerts board: filters, counts by severity, acknowledge and resolve.

The page works without JavaScript (filters are a GET form, actions are POST forms that
come back to the board); with it, `alerts.js` re-reads `/alerts/rows` every
`console_alerts_poll_s` seconds and acts without leaving the page."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from lotledger.console.domain.alerts import (
    SEVERITIES,
    STATUSES,
    TYPES,
    board_order,
    severity_counts,
)
from lotledger.console.domain.errors import BadForm, Missing
from lotledger.console.entrypoints.dependencies import ApisDep
from lotledger.console.entrypoints.session import Csrf, SessionDep
from lotledger.console.entrypoints.web import no_store, render, segment
from lotledger.console.service.apis import Apis

router = APIRouter(tags=["alerts"])
Filter = Annotated[str, Query(max_length=64)]
ACTIONS = {"ack": "acknowledged", "resolve": "resolved"}


def _filters(status: str, severity: str, type: str, warehouse: str) -> dict[str, str]:
    for value, allowed, name in (
        (status, STATUSES, "status"),
        (severity, SEVERITIES, "severity"),
        (type, TYPES, "type"),
    ):
        if value and value not in allowed:
            raise BadForm(f"{name} must be one of {', '.join(allowed)}", name)
    return {"status": status, "severity": severity, "type": type, "warehouse": warehouse}


async def _board(apis: Apis, token: str, filters: dict[str, str]) -> dict[str, Any]:
    alerts = await apis.alerts.alerts(token, **{k: v or None for k, v in filters.items()})
    return {
        "alerts": board_order(alerts),
        "counts": severity_counts(alerts),
        "filters": filters,
        "options": {"status": STATUSES, "severity": SEVERITIES, "type": TYPES},
    }


@router.get("/alerts")
async def board(
    request: Request,
    session: SessionDep,
    apis: ApisDep,
    status: Filter = "open",
    severity: Filter = "",
    type: Filter = "",
    warehouse: Filter = "",
) -> Response:
    filters = _filters(status, severity, type, warehouse)
    return render(request, "alerts.html", await _board(apis, session.token, filters))


@router.get("/alerts/rows")
async def rows(
    request: Request,
    session: SessionDep,
    apis: ApisDep,
    status: Filter = "open",
    severity: Filter = "",
    type: Filter = "",
    warehouse: Filter = "",
) -> Response:
    filters = _filters(status, severity, type, warehouse)
    return render(request, "_alert_rows.html", await _board(apis, session.token, filters))


@router.post("/alerts/{alert_id}/{action}", dependencies=[Csrf])
async def act(
    request: Request,
    alert_id: str,
    action: str,
    session: SessionDep,
    apis: ApisDep,
    back: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    if action not in ACTIONS:
        raise Missing("alerts can be acknowledged (ack) or resolved (resolve)")
    try:
        key = str(uuid.UUID(segment(alert_id)))
    except ValueError as exc:
        raise Missing("an alert id is a UUID") from exc
    await apis.alerts.act(session.token, key, action)
    if request.headers.get("x-fragment"):
        return no_store(request, Response(status_code=204))
    query = back if back and "\n" not in back and "\r" not in back else "status=open"
    return RedirectResponse(f"/alerts?{query.lstrip('?')}", status_code=303)
