"""Composition root: the only place that builds engines, clients and handlers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from lotledger.shared.clock import Clock, SystemClock
from lotledger.shared.db import create_engine
from lotledger.shared.web.app import add_standard_readiness, create_service_app
from lotledger.traceability import DESCRIPTION, SERVICE, VERSION
from lotledger.traceability.settings import TraceabilitySettings

MIGRATIONS = Path(__file__).parent / "adapters" / "migrations"


def create_app(settings: TraceabilitySettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or TraceabilitySettings()
    clock = clock or SystemClock()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(
            settings.traceability_database_url,
            settings.traceability_db_schema,
            pool_size=settings.traceability_db_pool_size,
            application_name=f"lotledger-{SERVICE}",
        )
        app.state.engine = engine
        app.state.clock = clock
        add_standard_readiness(app, engine, settings.kafka_bootstrap)
        try:
            yield
        finally:
            await engine.dispose()

    return create_service_app(
        service=SERVICE,
        version=VERSION,
        description=DESCRIPTION,
        settings=settings,
        lifespan=lifespan,
        routers=[],
    )
