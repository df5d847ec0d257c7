"""Composition root: the only place that builds engines, clients and workers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from lotledger.alerts import DESCRIPTION, SERVICE, VERSION
from lotledger.alerts.adapters.lot_memory import LotMemory
from lotledger.alerts.adapters.privileges import RUNTIME
from lotledger.alerts.adapters.secret_box import SecretBox
from lotledger.alerts.adapters.unit_of_work import UnitOfWork
from lotledger.alerts.adapters.webhook_client import WebhookClient
from lotledger.alerts.entrypoints import rebuild
from lotledger.alerts.entrypoints.api.access import ACCESS
from lotledger.alerts.entrypoints.api.problem_map import PROBLEMS
from lotledger.alerts.entrypoints.api.routers import alerts, forecast, reports, rules, webhooks
from lotledger.alerts.entrypoints.deliverer import Deliverer
from lotledger.alerts.entrypoints.forecast_catch_up import ForecastCatchUp
from lotledger.alerts.entrypoints.projector import GROUP, AlertsProjection
from lotledger.alerts.entrypoints.publisher import Publisher
from lotledger.alerts.entrypoints.repartition import Repartitioner
from lotledger.alerts.entrypoints.restoring import RestoringProjection
from lotledger.alerts.entrypoints.sweeper import Sweeper
from lotledger.alerts.runtime import AlertsRuntime
from lotledger.alerts.service.forecast_pacing import ForecastPacing
from lotledger.alerts.settings import AlertsSettings
from lotledger.shared.clock import Clock, SystemClock
from lotledger.shared.db import create_engine
from lotledger.shared.migrations import Migration
from lotledger.shared.projection import Projector
from lotledger.shared.settings import role_of
from lotledger.shared.web.app import add_standard_readiness, create_service_app

MIGRATIONS = Path(__file__).parent / "adapters" / "migrations"


def migration(settings: AlertsSettings, schema: str | None = None) -> Migration:
    """`migrate` of the live schema, or of `schema` (the rebuild schema)."""
    return Migration(
        script_location=MIGRATIONS,
        declared=RUNTIME,
        owner_url=settings.migration_database_url(),
        schema=schema or settings.alerts_db_schema,
        runtime_role=role_of(settings.alerts_database_url),
    )


def build_engine(
    settings: AlertsSettings, role: str, schema: str | None = None, pool_size: int = 4
) -> AsyncEngine:
    return create_engine(
        settings.alerts_database_url,
        schema or settings.alerts_db_schema,
        pool_size=pool_size,
        application_name=f"lotledger-{SERVICE}-{role}",
    )


@dataclass(frozen=True)
class Wiring:
    """The rebuild's `entrypoints.wiring.Wiring`, built from the settings."""

    settings: AlertsSettings
    clock: Clock

    def engine(self, role: str, schema: str | None = None) -> AsyncEngine:
        return build_engine(self.settings, role, schema)

    def restoring(self, only: Sequence[str] | None = None) -> RestoringProjection:
        return RestoringProjection(self.settings, self.clock, only)

    def migration(self, schema: str | None = None) -> Migration:
        return migration(self.settings, schema)


async def run_rebuild(
    settings: AlertsSettings, compare: bool, wait_s: float = 60.0, clock: Clock | None = None
) -> int:
    """`lotledger-alerts rebuild [--compare]`; its exit status."""
    return await rebuild.rebuild(Wiring(settings, clock or SystemClock()), compare, wait_s)


def build_runtime(
    settings: AlertsSettings, clock: Clock, pool_size: int | None = None
) -> AlertsRuntime:
    engine = create_engine(
        settings.alerts_database_url,
        settings.alerts_db_schema,
        pool_size=pool_size or settings.alerts_db_pool_size,
        application_name=f"lotledger-{SERVICE}",
    )
    return AlertsRuntime(
        settings=settings,
        clock=clock,
        engine=engine,
        uow=lambda: UnitOfWork(engine),
        box=SecretBox(settings.alerts_webhook_keys.get_secret_value()),
    )


def build_pacing(rt: AlertsRuntime) -> ForecastPacing:
    return ForecastPacing(rt.settings.alerts_forecast_interval_s)


def build_projector(rt: AlertsRuntime, pacing: ForecastPacing | None = None) -> Projector:
    """Without `pacing`, every batch runs its products' forecasts."""
    kept = rt.settings.alerts_lot_memory_lots
    projection = AlertsProjection(
        rt.settings,
        rt.clock,
        forecast=rt.settings.forecast_settings(),
        pacing=pacing,
        lot_memory=LotMemory(kept) if kept else None,
    )
    return Projector(
        rt.settings, rt.engine, projection, GROUP, max_records=rt.settings.alerts_projector_batch
    )


def build_forecast_catch_up(rt: AlertsRuntime, pacing: ForecastPacing) -> ForecastCatchUp:
    return ForecastCatchUp(rt.engine, pacing, rt.clock, rt.settings.forecast_settings())


def build_repartitioner(rt: AlertsRuntime) -> Repartitioner:
    return Repartitioner(rt.settings, rt.settings.alerts_repartition_batch)


def build_sweeper(rt: AlertsRuntime) -> Sweeper:
    return Sweeper(rt.settings, rt.engine, rt.clock)


def build_publisher(rt: AlertsRuntime) -> Publisher:
    return Publisher(rt.settings)


def build_deliverer(rt: AlertsRuntime) -> Deliverer:
    client = WebhookClient(rt.settings.alerts_webhook_timeout_s)
    return Deliverer(rt.settings, rt.engine, rt.clock, rt.box, client)


def create_app(settings: AlertsSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or AlertsSettings()
    clock = clock or SystemClock()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        rt = build_runtime(settings, clock)
        app.state.runtime = rt
        add_standard_readiness(app, rt.engine, settings.kafka_bootstrap, RUNTIME.granted())
        try:
            yield
        finally:
            await rt.engine.dispose()

    return create_service_app(
        service=SERVICE,
        version=VERSION,
        description=DESCRIPTION,
        settings=settings,
        lifespan=lifespan,
        routers=[alerts.router, rules.router, webhooks.router, forecast.router, reports.router],
        problem_map=PROBLEMS,
        access=ACCESS,
    )
