"""A probe schema for a toy projection: the shared projection machinery's positions table
plus the projection's own tables, in the run's database."""

from __future__ import annotations

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from lotledger.shared.db import create_engine
from lotledger.shared.positions import POSITIONS_DDL
from tests.support.infra import Infra, owner_role


async def probe_schema(infra: Infra, name: str, *ddl: str) -> AsyncEngine:
    """Schema `name` with `consumer_positions` and `ddl` run in it, and an engine connected
    as its owner."""
    admin = await asyncpg.connect(infra.admin_url())
    try:
        await admin.execute(f"CREATE SCHEMA {name} AUTHORIZATION {owner_role('traceability')}")
    finally:
        await admin.close()
    engine = create_engine(infra.owner_url("traceability"), name, pool_size=2)
    async with engine.begin() as conn:
        for statement in (POSITIONS_DDL, *ddl):
            await conn.execute(text(statement))
    return engine
