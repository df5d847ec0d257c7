"""Typed dependencies shared by the routers."""

from __future__ import annotations

from typing import Annotated

import structlog
from fastapi import Depends, Header, Request

from lotledger.inventory.adapters.envelopes import Metadata
from lotledger.inventory.runtime import InventoryRuntime
from lotledger.shared.auth import Principal
from lotledger.shared.web.security import current_principal


async def runtime(request: Request) -> InventoryRuntime:
    value: InventoryRuntime = request.app.state.runtime
    return value


RuntimeDep = Annotated[InventoryRuntime, Depends(runtime)]
Caller = Annotated[Principal, Depends(current_principal)]
"""The authenticated caller; roles are checked by the access table (access.py)."""
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


def metadata(principal: Principal, rt: InventoryRuntime, causation: str | None = None) -> Metadata:
    correlation = structlog.contextvars.get_contextvars().get("correlation_id")
    return Metadata(
        actor=principal.sub,
        device=principal.device,
        correlation_id=str(correlation) if correlation else None,
        causation_id=causation,
        now=rt.clock.now(),
    )
