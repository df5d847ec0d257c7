"""Typed dependencies shared by the routers. Roles are checked by the access table
(`access.py`) before any handler runs; what needs the token's warehouses is checked here
(`SystemAdmin`) or in the handlers (an alert's warehouse)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from lotledger.alerts.runtime import AlertsRuntime
from lotledger.shared.auth import Forbidden, Principal
from lotledger.shared.web.security import current_principal


def runtime(request: Request) -> AlertsRuntime:
    value: AlertsRuntime = request.app.state.runtime
    return value


async def _system_admin(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
    if not principal.all_warehouses:
        raise Forbidden("rules and webhooks are system-wide: an admin token for '*' is needed")
    return principal


RuntimeDep = Annotated[AlertsRuntime, Depends(runtime)]
SystemAdmin = Annotated[Principal, Depends(_system_admin)]
