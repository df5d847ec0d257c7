"""The traceability service in-process against the per-run database and topics, fed by
an in-process inventory (its own manual clock, so tests decide when events happen) and
the inventory relay; the projector and the excursion relay run for the whole session."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime

import httpx
import pytest
from pydantic import SecretStr

from lotledger.inventory.bootstrap import create_app as inventory_app
from lotledger.inventory.entrypoints.relay import Relay
from lotledger.inventory.settings import InventorySettings
from lotledger.shared.clock import ManualClock
from lotledger.traceability.bootstrap import create_app, run_projector
from lotledger.traceability.settings import TraceabilitySettings
from tests.support.apps import serve
from tests.support.infra import Infra
from tests.support.tokens import TEST_SECRET, bearer
from tests.support.traceability import settle
from tests.support.world import seed_catalog

START = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
Settle = Callable[[], Awaitable[None]]


@pytest.fixture(scope="session")
def traceability_settings(migrated: Infra) -> TraceabilitySettings:
    return TraceabilitySettings(
        traceability_database_url=migrated.url("traceability"),
        kafka_bootstrap=migrated.kafka_bootstrap,
        topic_prefix=migrated.topic_prefix,
        topic_partitions=3,
        auth_secret=SecretStr(TEST_SECRET),
    )


@pytest.fixture(scope="session")
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture(scope="session")
async def stock_api(migrated: Infra, clock: ManualClock) -> AsyncIterator[httpx.AsyncClient]:
    """Inventory in-process on the session's manual clock, with its relay running."""
    settings = InventorySettings(
        inventory_database_url=migrated.url("inventory"),
        kafka_bootstrap=migrated.kafka_bootstrap,
        topic_prefix=migrated.topic_prefix,
        auth_secret=SecretStr(TEST_SECRET),
    )
    relay = Relay(settings, idle_wait_s=0.1)
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop))
    async with serve(inventory_app(settings, clock)) as client:
        await seed_catalog(client, bearer("admin"))
        yield client
    stop.set()
    await asyncio.wait_for(task, 30)


@pytest.fixture(scope="session")
async def projector(traceability_settings: TraceabilitySettings) -> AsyncIterator[None]:
    """`lotledger-traceability project` in-process: projector and excursion relay."""
    stop = asyncio.Event()
    task = asyncio.create_task(run_projector(traceability_settings, stop))
    yield
    stop.set()
    await asyncio.wait_for(task, 30)


@pytest.fixture(scope="session")
def settled(migrated: Infra, projector: None) -> Settle:
    return lambda: settle(migrated)


@pytest.fixture(scope="session")
async def trace_api(
    traceability_settings: TraceabilitySettings, clock: ManualClock
) -> AsyncIterator[httpx.AsyncClient]:
    async with serve(create_app(traceability_settings, clock)) as client:
        yield client
