from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from tests.integration.alerts.world import AlertsWorld, alerts_world


@pytest.fixture(scope="package")
async def world() -> AsyncIterator[AlertsWorld]:
    """One private alerts world shared by the package's tests that do not move time."""
    async with alerts_world() as running:
        yield running


@pytest.fixture
async def alerts_conn(world: AlertsWorld) -> AsyncIterator[asyncpg.Connection]:
    """The alerts schema as its runtime role sees it, in a transaction rolled back at the
    end."""
    conn = await asyncpg.connect(world.infra.url("alerts", driver="postgresql"))
    await conn.execute("SET search_path = alerts")
    transaction = conn.transaction()
    await transaction.start()
    try:
        yield conn
    finally:
        await transaction.rollback()
        await conn.close()
