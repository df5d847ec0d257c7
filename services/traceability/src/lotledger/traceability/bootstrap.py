"""Composition root: the only place that builds engines, projections and the app."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from lotledger.shared.clock import Clock, SystemClock
from lotledger.shared.contracts.topics import EXCURSIONS
from lotledger.shared.db import create_engine
from lotledger.shared.migrations import Migration
from lotledger.shared.settings import role_of
from lotledger.shared.web.app import add_standard_readiness, create_service_app
from lotledger.traceability import DESCRIPTION, SERVICE, VERSION
from lotledger.traceability.adapters.privileges import RUNTIME
from lotledger.traceability.adapters.records import Topics
from lotledger.traceability.entrypoints import projector, rebuild
from lotledger.traceability.entrypoints.api.access import ACCESS
from lotledger.traceability.entrypoints.api.problem_map import PROBLEMS
from lotledger.traceability.entrypoints.api.routers import ALL
from lotledger.traceability.service.projection import TraceabilityProjection
from lotledger.traceability.settings import TraceabilitySettings

MIGRATIONS = Path(__file__).parent / "adapters" / "migrations"


def migration(settings: TraceabilitySettings, schema: str | None = None) -> Migration:
    """`migrate` of the live schema, or of `schema` (the rebuild schema)."""
    return Migration(
        script_location=MIGRATIONS,
        declared=RUNTIME,
        owner_url=settings.migration_database_url(),
        schema=schema or settings.traceability_db_schema,
        runtime_role=role_of(settings.traceability_database_url),
    )


def build_engine(
    settings: TraceabilitySettings, role: str, schema: str | None = None
) -> AsyncEngine:
    return create_engine(
        settings.traceability_database_url,
        schema or settings.traceability_db_schema,
        pool_size=settings.traceability_db_pool_size,
        application_name=f"lotledger-{SERVICE}-{role}",
    )


def build_projection(
    settings: TraceabilitySettings, *, publish: bool, only: Sequence[str] | None = None
) -> TraceabilityProjection:
    return TraceabilityProjection(
        Topics.of(settings),
        rules=settings.climate_rules(),
        publish_to=settings.topic(EXCURSIONS) if publish else None,
        only=only,
        trusted_keys=settings.trusted_checkpoint_keys(),
    )


@dataclass(frozen=True)
class Wiring:
    """The workers' `entrypoints.wiring.Wiring`, built from the settings (picklable, for
    a rebuild's child processes)."""

    settings: TraceabilitySettings

    def engine(self, role: str, schema: str | None = None) -> AsyncEngine:
        return build_engine(self.settings, role, schema)

    def projection(
        self, *, publish: bool, only: Sequence[str] | None = None
    ) -> TraceabilityProjection:
        return build_projection(self.settings, publish=publish, only=only)

    def migration(self, schema: str | None = None) -> Migration:
        return migration(self.settings, schema)


async def run_projector(settings: TraceabilitySettings, stop: asyncio.Event) -> None:
    """`lotledger-traceability project`: projector and excursion relay until `stop`."""
    await projector.run_projector(Wiring(settings), stop)


async def run_rebuild(
    settings: TraceabilitySettings, compare: bool, wait_s: float = 60.0, jobs: int = 1
) -> int:
    """`lotledger-traceability rebuild [--compare]`; its exit status."""
    return await rebuild.rebuild(Wiring(settings), compare, wait_s, jobs)


def create_app(settings: TraceabilitySettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or TraceabilitySettings()
    clock = clock or SystemClock()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = build_engine(settings, "api")
        app.state.engine = engine
        app.state.clock = clock
        add_standard_readiness(app, engine, settings.kafka_bootstrap, RUNTIME.granted())
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
        routers=ALL,
        problem_map=PROBLEMS,
        access=ACCESS,
    )
