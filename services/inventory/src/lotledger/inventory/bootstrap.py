"""Composition root: the only place that builds engines, clients and handlers."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from fastapi import FastAPI

from lotledger.inventory import DESCRIPTION, SERVICE, VERSION
from lotledger.inventory.adapters.catalog_cache import CatalogCache
from lotledger.inventory.adapters.event_source import EVENTS_SOURCE
from lotledger.inventory.adapters.privileges import RUNTIME
from lotledger.inventory.adapters.queries import InventoryQueries
from lotledger.inventory.adapters.unit_of_work import UnitOfWork
from lotledger.inventory.entrypoints.api.access import ACCESS
from lotledger.inventory.entrypoints.api.problem_map import PROBLEMS
from lotledger.inventory.entrypoints.api.routers import (
    catalog,
    checkpoints,
    epcis,
    holdings,
    operations,
    proofs,
    qa,
    queries,
    recalls,
    sensors,
    serial_states,
    serials,
    stock,
    stocktakes,
    sync_conflicts,
    telemetry,
)
from lotledger.inventory.runtime import InventoryRuntime
from lotledger.inventory.service.group_commit import GroupCommit
from lotledger.inventory.settings import InventorySettings
from lotledger.shared.clock import Clock, SystemClock
from lotledger.shared.db import create_engine
from lotledger.shared.kafka import LazyProducer
from lotledger.shared.migrations import Migration
from lotledger.shared.outbox_metrics import backlog_label, report_backlog
from lotledger.shared.settings import role_of
from lotledger.shared.web.app import add_standard_readiness, create_service_app

MIGRATIONS = Path(__file__).parent / "adapters" / "migrations"


def migration(settings: InventorySettings) -> Migration:
    return Migration(
        script_location=MIGRATIONS,
        declared=RUNTIME,
        owner_url=settings.migration_database_url(),
        schema=settings.inventory_db_schema,
        runtime_role=role_of(settings.inventory_database_url),
    )


def build_runtime(settings: InventorySettings, clock: Clock) -> InventoryRuntime:
    engine = create_engine(
        settings.inventory_database_url,
        settings.inventory_db_schema,
        pool_size=settings.inventory_db_pool_size,
        application_name=f"lotledger-{SERVICE}",
    )
    return InventoryRuntime(
        settings=settings,
        clock=clock,
        engine=engine,
        uow=partial(UnitOfWork, engine),
        policy=settings.stock_policy(),
        queries=InventoryQueries(engine),
        telemetry=LazyProducer(settings, f"lotledger-{SERVICE}-telemetry"),
        trusted_keys=settings.trusted_checkpoint_keys(),
        catalog_cache=CatalogCache(),
    )


async def _watch_outbox(rt: InventoryRuntime, every_s: float = 5.0) -> None:
    while True:
        with contextlib.suppress(Exception):
            schema = rt.settings.inventory_db_schema
            report_backlog(schema, *await rt.queries.outbox_backlog(), datetime.now(UTC))
            events = backlog_label(schema, EVENTS_SOURCE)
            report_backlog(events, *await rt.queries.event_backlog(), datetime.now(UTC))
        await asyncio.sleep(every_s)


def create_app(settings: InventorySettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or InventorySettings()
    clock = clock or SystemClock()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        rt = build_runtime(settings, clock)
        app.state.runtime = rt
        app.state.group_commit = GroupCommit(
            lambda locking=True: rt.uow(locking=locking),
            rt.policy,
            rt.catalog_cache,
            settings.inventory_group_commit_window_ms / 1000,
            settings.inventory_group_commit_max,
            settings.inventory_group_commit_lanes,
        )
        add_standard_readiness(app, rt.engine, settings.kafka_bootstrap, RUNTIME.granted())
        watcher = asyncio.create_task(_watch_outbox(rt))
        stop = asyncio.Event()
        listener = asyncio.create_task(
            rt.catalog_cache.listen(
                settings.inventory_database_url, settings.inventory_db_schema, stop
            )
        )
        try:
            yield
        finally:
            stop.set()
            watcher.cancel()
            await listener
            await rt.telemetry.stop()
            await rt.engine.dispose()

    return create_service_app(
        service=SERVICE,
        version=VERSION,
        description=DESCRIPTION,
        settings=settings,
        lifespan=lifespan,
        routers=[
            catalog.router,
            sensors.router,
            stock.router,
            qa.router,
            holdings.router,
            recalls.router,
            operations.router,
            sync_conflicts.router,
            stocktakes.router,
            proofs.router,
            queries.router,
            checkpoints.router,
            telemetry.router,
            epcis.router,
            serials.router,
            serial_states.router,
        ],
        problem_map=PROBLEMS,
        access=ACCESS,
    )
