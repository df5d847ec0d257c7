"""Async SQLAlchemy plumbing. Each service's tables live in its own schema, chosen per
connection through `search_path`, so the same code can target a rebuild schema."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
from sqlalchemy import text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)


def connect_options(url: str) -> dict[str, Any]:
    """TLS is left to the URL (`?ssl=require`); on loopback without one it is off, since
    encrypting a local socket only costs CPU."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if "ssl" in parsed.query or "sslmode" in parsed.query:
        return {}
    return {"ssl": False} if parsed.host in LOOPBACK else {}


LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def create_engine(
    url: str, schema: str, *, pool_size: int = 10, application_name: str = "lotledger"
) -> AsyncEngine:
    """An engine whose connections see `schema` first; nothing connects until first use."""
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=0,
        pool_pre_ping=False,
        json_serializer=_json_dumps,
        json_deserializer=orjson.loads,
        connect_args={
            **connect_options(url),
            "server_settings": {
                "search_path": schema,
                "application_name": application_name,
                "timezone": "UTC",
            },
        },
    )


def _json_dumps(value: object) -> str:
    return orjson.dumps(value).decode()


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def database_ready(engine: AsyncEngine, timeout_s: float = 2.0) -> bool:
    try:
        async with asyncio.timeout(timeout_s), engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception:
        return False
    return True


def json_param(value: object) -> str:
    """A json/jsonb parameter for a driver-level (asyncpg) statement."""
    return orjson.dumps(value).decode()


def json_value(value: object) -> Any:
    """A json/jsonb column read at driver level, whichever codec the connection has."""
    return orjson.loads(value) if isinstance(value, str | bytes) else value


async def driver_connect(url: str, schema: str, application_name: str) -> Any:
    """A dedicated asyncpg connection (for LISTEN and session-level advisory locks)."""
    import asyncpg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return await asyncpg.connect(
        **connect_options(url),
        host=parsed.host,
        port=parsed.port,
        user=parsed.username,
        password=parsed.password,
        database=parsed.database,
        server_settings={
            "search_path": schema,
            "application_name": application_name,
            "timezone": "UTC",
        },
    )
