"""The app factory every service builds on: problem handlers, auth, observation
middleware, and the operational endpoints `/healthz`, `/readyz`, `/metrics`."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.responses import Response

from lotledger.shared.auth import Authenticator
from lotledger.shared.db import database_ready, schema_ready
from lotledger.shared.kafka import kafka_ready
from lotledger.shared.settings import CommonSettings
from lotledger.shared.tracing import configure_tracing, shutdown_tracing
from lotledger.shared.web.access import OPERATIONS, AccessTable, enforce_access
from lotledger.shared.web.observe import BodyLimit, RequestObserver
from lotledger.shared.web.paths import EncodedSegments
from lotledger.shared.web.problems import (
    DomainProblemMap,
    install_problem_handlers,
    problem_responses,
)
from lotledger.shared.web.ratelimit import RateLimit
from lotledger.shared.web.traced import TraceRequests

ReadinessCheck = Callable[[], Awaitable[bool | None]]
"""True ready, False not, None: cannot tell (what it needs is unreachable)."""
Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


def create_service_app(
    *,
    service: str,
    version: str,
    description: str,
    settings: CommonSettings,
    lifespan: Lifespan,
    routers: Sequence[APIRouter],
    problem_map: DomainProblemMap | None = None,
    access: AccessTable | None = None,
) -> FastAPI:
    @asynccontextmanager
    async def started(app: FastAPI) -> AsyncIterator[None]:
        async with lifespan(app):
            gc.freeze()
            yield
        shutdown_tracing()

    app = FastAPI(
        dependencies=[Depends(enforce_access)],
        title=f"lotledger {service}",
        version=version,
        description=description,
        lifespan=started,
        responses=problem_responses(),
    )
    app.state.settings = settings
    app.state.authenticator = Authenticator(settings)
    app.state.readiness = {}
    app.state.access = {**OPERATIONS, **(access or {})}
    install_problem_handlers(app, problem_map)
    app.include_router(operations_router())
    for router in routers:
        app.include_router(router)
    app.add_middleware(
        RateLimit,
        service=service,
        rate_per_s=settings.rate_limit_per_s,
        burst=settings.rate_limit_burst,
    )
    app.add_middleware(BodyLimit, service=service, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestObserver, service=service, log_requests=settings.log_requests)
    app.add_middleware(EncodedSegments)
    app.add_middleware(TraceRequests, service=service)
    configure_tracing(service, settings)
    return app


FAILED_AS = {"schema": "not migrated"}


def operations_router() -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/healthz", summary="Liveness: the process answers")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get(
        "/readyz",
        summary="Readiness: database and Kafka reachable",
        responses={503: {"description": "A dependency is unreachable"}},
    )
    async def readyz(request: Request) -> JSONResponse:
        checks: dict[str, ReadinessCheck] = request.app.state.readiness
        names = list(checks)
        results = await asyncio.gather(*(checks[n]() for n in names))
        status: dict[str, Any] = {
            n: "ok" if ok else "unknown" if ok is None else FAILED_AS.get(n, "unreachable")
            for n, ok in zip(names, results, strict=True)
        }
        ready = bool(names) and all(results)
        return JSONResponse(
            {"status": "ready" if ready else "not ready", "checks": status},
            status_code=200 if ready else 503,
        )

    @router.get("/metrics", summary="Prometheus metrics", response_class=Response)
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router


def add_standard_readiness(
    app: FastAPI, engine: AsyncEngine, kafka_bootstrap: str, tables: Sequence[str] = ()
) -> None:
    """`/readyz` checks: the service's database, its schema migrated (`tables` there),
    and the Kafka cluster."""
    app.state.readiness["database"] = lambda: database_ready(engine)
    if tables:
        app.state.readiness["schema"] = lambda: schema_ready(engine, tables)
    app.state.readiness["kafka"] = lambda: kafka_ready(kafka_bootstrap)
