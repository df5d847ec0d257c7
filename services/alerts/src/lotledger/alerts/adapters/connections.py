"""The asyncpg connection under a SQLAlchemy one: the stores run driver-level statements
inside whatever transaction the caller opened."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection


async def driver_of(conn: AsyncConnection) -> Any:
    raw = await conn.get_raw_connection()
    driver = raw.driver_connection
    if driver is None:
        raise RuntimeError("the connection is closed")
    return driver
