"""Alerts: list with filters, one alert, acknowledge, resolve; each scoped by the
warehouses the alert concerns (`domain.visibility`)."""

from __future__ import annotations

import base64
import binascii
import uuid
from enum import StrEnum
from typing import Annotated

import structlog
from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from lotledger.alerts.adapters.alert_queries import AlertFilter, AlertQueries, Cursor
from lotledger.alerts.adapters.unit_of_work import Stores
from lotledger.alerts.domain.errors import UnknownAlert
from lotledger.alerts.entrypoints.api.dependencies import RuntimeDep
from lotledger.alerts.entrypoints.api.idempotent import run_once
from lotledger.alerts.entrypoints.api.paths import UUID_PATTERN
from lotledger.alerts.entrypoints.api.views import AlertPage, AlertView, alert_view
from lotledger.alerts.service import alert_commands
from lotledger.alerts.service.recording import Cause
from lotledger.shared.auth import Forbidden
from lotledger.shared.contracts.alerts import AlertStatus, AlertType, Severity
from lotledger.shared.identifiers import Gtin, LocationId, WarehouseId, warehouse_of
from lotledger.shared.instants import parse_instant
from lotledger.shared.web.idempotency import IdempotencyKey
from lotledger.shared.web.problems import Problem
from lotledger.shared.web.security import Caller

router = APIRouter(prefix="/v1/alerts", tags=["alerts"])
AlertId = Annotated[str, Path(pattern=UUID_PATTERN, description="the alert's uuid")]


class StatusQuery(StrEnum):
    RAISED = "raised"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"
    OPEN = "open"
    """raised or acknowledged"""


def _encode(cursor: Cursor) -> str:
    return base64.urlsafe_b64encode(f"{cursor[0].isoformat()}|{cursor[1]}".encode()).decode()


def _decode(value: str) -> Cursor:
    try:
        at, alert_id = base64.urlsafe_b64decode(value.encode()).decode().split("|")
        return parse_instant(at), str(uuid.UUID(alert_id))
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise Problem(
            422,
            "invalid-input",
            "Invalid input",
            "cursor: not a cursor this API returned",
            {"errors": [{"field": "cursor", "rule": "cursor", "message": "unknown cursor"}]},
        ) from exc


def _statuses(values: list[StatusQuery]) -> frozenset[AlertStatus]:
    out: set[AlertStatus] = set()
    for value in values:
        if value is StatusQuery.OPEN:
            out |= {AlertStatus.RAISED, AlertStatus.ACKNOWLEDGED}
        else:
            out.add(AlertStatus(value.value))
    return frozenset(out)


@router.get("", response_model=AlertPage, summary="Alerts, newest raised first")
async def list_alerts(
    rt: RuntimeDep,
    who: Caller,
    status: Annotated[list[StatusQuery], Query(description="repeatable")] = [],  # noqa: B006
    type: Annotated[list[AlertType], Query(description="alert type (repeatable)")] = [],  # noqa: B006
    severity: Annotated[list[Severity], Query()] = [],  # noqa: B006
    gtin: Gtin | None = None,
    location: LocationId | None = None,
    warehouse: WarehouseId | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> AlertPage:
    for asked in (warehouse, location and warehouse_of(location)):
        if asked and not who.may_access(asked):
            raise Forbidden(f"token is not scoped to warehouse {asked}")
    viewer = alert_commands.viewer_of(who)
    where = AlertFilter(
        statuses=_statuses(status),
        types=frozenset(type),
        severities=frozenset(severity),
        gtin=gtin,
        location=location,
        warehouse=warehouse,
        visible=viewer.warehouses,
    )
    async with rt.uow() as uow:
        alerts = await AlertQueries(uow.stores.conn).page(
            where, limit + 1, _decode(cursor) if cursor else None
        )
    more = len(alerts) > limit
    alerts = alerts[:limit]
    last = alerts[-1] if more else None
    return AlertPage(
        items=[alert_view(viewer.seen(a)) for a in alerts],
        next_cursor=_encode((last.raised_at, last.alert_id)) if last else None,
    )


@router.get("/{alert_id}", response_model=AlertView, summary="One alert")
async def get_alert(alert_id: AlertId, rt: RuntimeDep, who: Caller) -> AlertView:
    async with rt.uow() as uow:
        alert = await AlertQueries(uow.stores.conn).get(alert_id)
    viewer = alert_commands.viewer_of(who)
    if alert is None or not viewer.sees(alert):
        raise UnknownAlert(f"no alert {alert_id}", alert_id=alert_id)
    return alert_view(viewer.seen(alert))


def _cause(key: str | None) -> Cause:
    correlation = structlog.contextvars.get_contextvars().get("correlation_id")
    return Cause(causation_id=key, correlation_id=str(correlation) if correlation else None)


@router.post(
    "/{alert_id}/ack",
    response_model=AlertView,
    summary="Acknowledge: seen, on it",
    responses={409: {"description": "already acknowledged or resolved"}},
)
async def acknowledge(
    alert_id: AlertId, request: Request, rt: RuntimeDep, who: Caller, key: IdempotencyKey = None
) -> Response:
    async def act(stores: Stores) -> AlertView:
        alert = await alert_commands.acknowledge(stores, alert_id, who, rt.clock.now(), _cause(key))
        return alert_view(alert)

    return await run_once(request, rt, who, key, act)


@router.post(
    "/{alert_id}/resolve",
    response_model=AlertView,
    summary="Resolve by hand (the rules resolve alerts whose condition cleared by themselves)",
    responses={409: {"description": "already resolved"}},
)
async def resolve(
    alert_id: AlertId, request: Request, rt: RuntimeDep, who: Caller, key: IdempotencyKey = None
) -> Response:
    async def act(stores: Stores) -> AlertView:
        alert = await alert_commands.resolve(stores, alert_id, who, rt.clock.now(), _cause(key))
        return alert_view(alert)

    return await run_once(request, rt, who, key, act)
