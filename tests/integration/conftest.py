from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from pydantic import SecretStr

from lotledger.inventory.bootstrap import create_app
from lotledger.inventory.entrypoints.relay import Relay
from lotledger.inventory.settings import InventorySettings
from lotledger.shared.clock import ManualClock
from tests.support.apps import serve
from tests.support.infra import Infra, provision, teardown
from tests.support.tokens import TEST_SECRET, bearer
from tests.support.world import seed_catalog


@pytest.fixture(scope="session")
def inventory_settings(migrated: Infra) -> InventorySettings:
    return InventorySettings(
        inventory_database_url=migrated.url("inventory"),
        kafka_bootstrap=migrated.kafka_bootstrap,
        topic_prefix=migrated.topic_prefix,
        auth_secret=SecretStr(TEST_SECRET),
        inventory_db_pool_size=20,
    )


TODAY = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
async def inventory(inventory_settings: InventorySettings) -> AsyncIterator[httpx.AsyncClient]:
    """The inventory API in-process on a clock fixed at TODAY, its catalog seeded
    (shared by every integration test directory)."""
    async with serve(create_app(inventory_settings, ManualClock(TODAY))) as client:
        await seed_catalog(client, bearer("admin"))
        yield client


@pytest.fixture(scope="session")
async def relay(inventory_settings: InventorySettings) -> AsyncIterator[Relay]:
    """Inventory's relay running in-process for the whole session."""
    worker = Relay(inventory_settings, idle_wait_s=0.2)
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    yield worker
    stop.set()
    await asyncio.wait_for(task, 30)


@pytest.fixture
async def fresh_database() -> AsyncIterator[Infra]:
    """A database of the test's own, no schema migrated (migration tests step through
    revisions with `tests.support.infra.migrate_to`)."""
    infra = await provision()
    try:
        yield infra
    finally:
        await teardown(infra)
