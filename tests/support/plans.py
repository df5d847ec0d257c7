"""What a plan test needs: a new inventory with its catalog seeded, a runtime-role
connection of its own (whose session makes and keeps its plans), and the count of
sequential scans of the tables the write path reads by key."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import httpx

from lotledger.inventory.bootstrap import create_app
from tests.support.apps import serve
from tests.support.private import private_inventory, settings_for
from tests.support.tokens import bearer
from tests.support.world import seed_catalog

SEQ_SCANS = """
SELECT coalesce(sum(seq_scan), 0) FROM pg_stat_user_tables
WHERE schemaname = 'inventory' AND relname IN ('batches', 'stock_levels')"""


@asynccontextmanager
async def runtime_session() -> AsyncIterator[tuple[httpx.AsyncClient, asyncpg.Connection]]:
    async with private_inventory() as infra, serve(create_app(settings_for(infra))) as client:
        await seed_catalog(client, bearer("admin"))
        conn = await asyncpg.connect(infra.url("inventory", driver="postgresql"))
        try:
            await conn.execute("SET search_path = inventory")
            yield client, conn
        finally:
            await conn.close()


async def seq_scans(conn: asyncpg.Connection) -> int:
    await conn.execute("SELECT pg_stat_force_next_flush()")
    return int(await conn.fetchval(SEQ_SCANS))
