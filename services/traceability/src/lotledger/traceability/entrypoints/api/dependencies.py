"""Typed dependencies shared by the routers: the read snapshot, the reader roles, scope,
paging. Nobody writes through this API; every route needs one of the reader roles."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Query, Request

from lotledger.shared.auth import Principal, Role
from lotledger.shared.clock import Clock
from lotledger.shared.db import Driver
from lotledger.shared.web.security import current_principal
from lotledger.traceability.adapters.queries.session import read_snapshot
from lotledger.traceability.entrypoints.api.schemas.common import DEFAULT_LIMIT, MAX_LIMIT
from lotledger.traceability.settings import TraceabilitySettings

READER_ROLES = (Role.REGULATOR, Role.QA, Role.ERP, Role.ADMIN)


async def snapshot(request: Request) -> AsyncIterator[Driver]:
    async with read_snapshot(request.app.state.engine) as conn:
        yield conn


def clock(request: Request) -> Clock:
    value: Clock = request.app.state.clock
    return value


def settings(request: Request) -> TraceabilitySettings:
    value: TraceabilitySettings = request.app.state.settings
    return value


Conn = Annotated[Driver, Depends(snapshot)]
ClockDep = Annotated[Clock, Depends(clock)]
SettingsDep = Annotated[TraceabilitySettings, Depends(settings)]
Reader = Annotated[Principal, Depends(current_principal)]
"""The authenticated caller; roles are checked by the access table (access.py)."""
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="page size")]
DEFAULT = DEFAULT_LIMIT


def scope(who: Principal) -> list[str] | None:
    """The warehouses a token sees; None for all."""
    return None if who.all_warehouses else sorted(who.warehouses)
