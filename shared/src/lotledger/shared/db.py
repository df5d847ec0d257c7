"""Async SQLAlchemy plumbing. Each service's tables live in its own schema, chosen per
connection through `search_path`, so the same code can target a rebuild schema."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, Iterable, Sequence
from types import TracebackType
from typing import Any, Literal, Protocol, Self

import orjson
from sqlalchemy import text
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
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


def session_settings(schema: str, application_name: str) -> dict[str, str]:
    """Every connection's session: `schema` first, UTC, and a plan made for each execution
    of a prepared statement. By default Postgres keeps a statement's generic plan after
    five executions when it looks no dearer, and a plan made while a table is small (a new
    database, before autovacuum's first ANALYZE) keeps scanning the whole table once it is
    large: on a fresh bench database, 13,730 sequential scans of `batches` read 76 million
    rows in three minutes of single POSTs (docs/adr/0014, fourth amendment).

    And no JIT compilation: Postgres compiles a statement whose estimated cost passes
    `jit_above_cost`, and the estimate of a request's probes (a lateral index scan per
    pick, estimated at hundreds of rows each and stopping after a few) grows with the
    table. Once `stock_levels` held ~200,000 lines, the read of a `/v1/operations` request
    of 1,000 operations spent 269 ms compiling and 20 ms running (docs/adr/0014, fifth
    amendment). Every statement here is short; none gains from it."""
    return {
        "search_path": schema,
        "application_name": application_name,
        "timezone": "UTC",
        "plan_cache_mode": "force_custom_plan",
        "jit": "off",
    }


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
            "server_settings": session_settings(schema, application_name),
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


MISSING_OBJECTS = (
    "SELECT count(*) FROM unnest(CAST(:tables AS text[])) AS t(name) "
    "WHERE to_regclass(format('%I.%I', current_schema(), name)) IS NULL"
)


async def schema_ready(
    engine: AsyncEngine, tables: Sequence[str], timeout_s: float = 2.0
) -> bool | None:
    """Whether every one of `tables` is in the engine's schema: false until the service's
    migrations ran (an unmigrated schema answers every request with a missing table);
    None when the database does not answer."""
    try:
        async with asyncio.timeout(timeout_s), engine.connect() as conn:
            missing = await conn.scalar(text(MISSING_OBJECTS), {"tables": list(tables)})
    except (OSError, TimeoutError):
        return None
    except Exception:
        return False
    return bool(missing == 0)


def json_param(value: object) -> str:
    """A json/jsonb parameter for a driver-level (asyncpg) statement."""
    return orjson.dumps(value).decode()


def json_value(value: object) -> Any:
    """A json/jsonb column read at driver level, whichever codec the connection has."""
    return orjson.loads(value) if isinstance(value, str | bytes) else value


class Row(Protocol):
    """A result row (asyncpg.Record), read by column name; a dict of the same columns
    passes too. Values are whatever the column's codec decodes, so they are `Any` here."""

    def __getitem__(self, key: str, /) -> Any: ...
    def keys(self) -> Iterable[str]: ...


class Transaction(Protocol):
    """A driver transaction: started explicitly (`start`/`commit`/`rollback`) or as an
    `async with` block that commits on a clean exit and rolls back on an exception."""

    async def start(self) -> None: ...
    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...
    async def __aenter__(self) -> None: ...
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


IsolationLevel = Literal["read_committed", "read_uncommitted", "repeatable_read", "serializable"]


class Listener(Protocol):
    """A NOTIFY callback: (connection, server pid, channel, payload)."""

    def __call__(self, connection: object, pid: int, channel: str, payload: object, /) -> None: ...


class Driver(Protocol):
    """What the stores call on a driver-level (asyncpg) connection, and nothing more:
    `asyncpg.Connection` satisfies it structurally (`driver_connect` returns one as a
    `Driver`, which mypy checks against the asyncpg stubs), and a fake can too."""

    async def execute(self, query: str, *args: object) -> str: ...
    async def executemany(self, command: str, args: Iterable[Sequence[object]]) -> None: ...
    async def fetch(self, query: str, *args: object) -> Sequence[Row]: ...
    async def fetchrow(self, query: str, *args: object) -> Row | None: ...
    async def fetchval(self, query: str, *args: object) -> Any: ...
    def cursor(
        self, query: str, *args: object, prefetch: int | None = None
    ) -> AsyncIterable[Row]: ...
    async def copy_records_to_table(
        self,
        table_name: str,
        *,
        records: Iterable[Sequence[object]],
        columns: Iterable[str] | None = None,
    ) -> str: ...
    def transaction(
        self, *, isolation: IsolationLevel | None = None, readonly: bool = False
    ) -> Transaction: ...
    def is_in_transaction(self) -> bool: ...
    async def add_listener(self, channel: str, callback: Listener) -> None: ...
    def is_closed(self) -> bool: ...
    def get_server_pid(self) -> int: ...
    async def close(self) -> None: ...


async def driver_connect(url: str, schema: str, application_name: str) -> Driver:
    """A dedicated asyncpg connection (for LISTEN and session-level advisory locks)."""
    import asyncpg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return await asyncpg.connect(
        ssl=connect_options(url).get("ssl"),
        host=parsed.host,
        port=parsed.port,
        user=parsed.username,
        password=parsed.password,
        database=parsed.database,
        server_settings=session_settings(schema, application_name),
    )


async def driver_of(conn: AsyncConnection) -> Driver:
    """The asyncpg connection under a SQLAlchemy one: stores run driver-level statements
    inside whatever transaction the caller opened."""
    raw = await conn.get_raw_connection()
    driver: Driver | None = raw.driver_connection
    if driver is None:
        raise RuntimeError("the connection is closed")
    return driver


class DriverUnitOfWork:
    """A pooled connection at driver level for one unit of work. With `transactional`,
    everything runs in one driver transaction that commits only on `commit()`; leaving
    without it rolls back. Subclasses bind their stores to the driver in `bind`."""

    def __init__(self, engine: AsyncEngine, transactional: bool = True) -> None:
        self._engine = engine
        self._transactional = transactional
        self._conn: AsyncConnection | None = None
        self._tx: Transaction | None = None

    def bind(self, driver: Driver) -> None:
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        self._conn = await self._engine.connect()
        driver = await driver_of(self._conn)
        if self._transactional:
            self._tx = driver.transaction()
            await self._tx.start()
        self.bind(driver)
        return self

    async def commit(self) -> None:
        if self._tx is not None:
            await self._tx.commit()
            self._tx = None

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self._tx is not None:
                await self._tx.rollback()
        finally:
            if self._conn is not None:
                await self._conn.close()
