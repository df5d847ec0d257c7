"""Typed dependencies shared by the routers."""

from __future__ import annotations

from typing import Annotated

import structlog
from fastapi import Depends, Request

from lotledger.inventory.adapters.envelopes import Metadata
from lotledger.inventory.runtime import InventoryRuntime
from lotledger.shared.auth import Principal
from lotledger.shared.tracing import current_traceparent


async def runtime(request: Request) -> InventoryRuntime:
    value: InventoryRuntime = request.app.state.runtime
    return value


RuntimeDep = Annotated[InventoryRuntime, Depends(runtime)]


def metadata(principal: Principal, rt: InventoryRuntime, causation: str | None = None) -> Metadata:
    correlation = structlog.contextvars.get_contextvars().get("correlation_id")
    return Metadata(
        actor=principal.sub,
        device=principal.device,
        correlation_id=str(correlation) if correlation else None,
        causation_id=causation,
        now=rt.clock.now(),
        traceparent=current_traceparent(),
    )
