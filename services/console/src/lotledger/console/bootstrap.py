"""Composition root: the only place that builds the API clients and the app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from lotledger.console import DESCRIPTION, SERVICE, VERSION
from lotledger.console.adapters.alerts import AlertsApi
from lotledger.console.adapters.http import Api
from lotledger.console.adapters.inventory import InventoryApi
from lotledger.console.adapters.traceability import TraceabilityApi
from lotledger.console.entrypoints.errors import install_error_pages
from lotledger.console.entrypoints.middleware import PageHeaders
from lotledger.console.entrypoints.routers import (
    alerts,
    auth,
    excursions,
    forecast,
    lots,
    recalls,
    stock,
)
from lotledger.console.entrypoints.web import STATIC, templates
from lotledger.console.service.apis import Apis
from lotledger.console.settings import ConsoleSettings
from lotledger.shared.clock import Clock, SystemClock
from lotledger.shared.web.app import operations_router
from lotledger.shared.web.observe import BodyLimit, RequestObserver
from lotledger.shared.web.paths import EncodedSegments


def build_apis(
    settings: ConsoleSettings, transport: httpx.AsyncBaseTransport | None = None
) -> tuple[Apis, list[Api]]:
    timeout = settings.console_api_timeout_s
    clients = [
        Api("inventory", settings.console_inventory_url, timeout, transport),
        Api("traceability", settings.console_traceability_url, timeout, transport),
        Api("alerts", settings.console_alerts_url, timeout, transport),
    ]
    inventory, traceability, alerts_api = clients
    apis = Apis(InventoryApi(inventory), TraceabilityApi(traceability), AlertsApi(alerts_api))
    return apis, clients


def create_app(
    settings: ConsoleSettings | None = None,
    clock: Clock | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    settings = settings or ConsoleSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        apis, clients = build_apis(settings, transport)
        app.state.apis = apis
        app.state.readiness = {c.name: c.ready for c in clients}
        try:
            yield
        finally:
            for client in clients:
                await client.aclose()

    app = FastAPI(
        title=f"lotledger {SERVICE}",
        version=VERSION,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings
    app.state.clock = clock or SystemClock()
    app.state.templates = templates()
    app.state.readiness = {}
    install_error_pages(app)
    app.include_router(operations_router())
    for router in (
        auth.router,
        lots.router,
        recalls.router,
        excursions.router,
        alerts.router,
        forecast.router,
        stock.router,
    ):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(BodyLimit, service=SERVICE, max_bytes=settings.max_body_bytes)
    app.add_middleware(PageHeaders)
    app.add_middleware(RequestObserver, service=SERVICE, log_requests=settings.log_requests)
    app.add_middleware(EncodedSegments)
    return app
