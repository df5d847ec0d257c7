"""Typed dependencies shared by the routers, and who may do what (DESIGN §10).

| who | may |
|---|---|
| qa, erp, admin | read alerts (warehouse-scoped: alerts of their warehouses and alerts of none) |
| qa, admin | acknowledge and resolve alerts of their warehouses |
| admin with every warehouse (`*`) | read and change rules, manage webhooks (system-wide) |

A warehouse manager has no role of their own: they are given a `qa` token scoped to their
warehouses. Scanners, sensors and regulators have no business here.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from lotledger.alerts.runtime import AlertsRuntime
from lotledger.shared.auth import Forbidden, Principal, Role
from lotledger.shared.web.security import require


def runtime(request: Request) -> AlertsRuntime:
    value: AlertsRuntime = request.app.state.runtime
    return value


async def _system_admin(principal: Annotated[Principal, Depends(require(Role.ADMIN))]) -> Principal:
    if not principal.all_warehouses:
        raise Forbidden("rules and webhooks are system-wide: an admin token for '*' is needed")
    return principal


RuntimeDep = Annotated[AlertsRuntime, Depends(runtime)]
Reader = Annotated[Principal, Depends(require(Role.QA, Role.ERP, Role.ADMIN))]
Handler = Annotated[Principal, Depends(require(Role.QA, Role.ADMIN))]
SystemAdmin = Annotated[Principal, Depends(_system_admin)]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        pattern=r"^[\x21-\x7e]+$",
        description="retries with the same key and body return the first response",
    ),
]
