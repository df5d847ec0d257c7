"""The write side's unit of work.

The connection comes from the service's SQLAlchemy pool; the write path talks to the
asyncpg driver directly (bulk `unnest` inserts, no per-statement ORM overhead). With
`locking`, everything runs in one driver-level transaction that commits only when
`commit()` is called; without, each statement commits on its own, which the optimistic
path relies on (its only write is one all-or-nothing statement).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import TracebackType
from typing import Any

import asyncpg
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from lotledger.inventory.adapters.catalog_store import CatalogStore
from lotledger.inventory.adapters.event_store import EventStore
from lotledger.inventory.adapters.idempotency import DuplicateKey, IdempotencyStore

RETRYABLE: tuple[type[Exception], ...] = (
    DuplicateKey,
    asyncpg.SerializationError,
    asyncpg.DeadlockDetectedError,
    asyncpg.UniqueViolationError,
)
"""Failures caused by a concurrent transaction: the whole request may be tried again."""


class UnitOfWork:
    store: EventStore
    catalog: CatalogStore
    idempotency: IdempotencyStore

    def __init__(self, engine: AsyncEngine, locking: bool = True) -> None:
        self._engine = engine
        self.locking = locking
        self._conn: AsyncConnection | None = None
        self._tx: Any = None

    async def __aenter__(self) -> UnitOfWork:
        self._conn = await self._engine.connect()
        raw = await self._conn.get_raw_connection()
        driver = raw.driver_connection
        assert driver is not None
        if self.locking:
            self._tx = driver.transaction()
            await self._tx.start()
        self.store = EventStore(driver)
        self.catalog = CatalogStore(driver)
        self.idempotency = IdempotencyStore(driver)
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
            assert self._conn is not None
            await self._conn.close()


@asynccontextmanager
async def driver_connection(engine: AsyncEngine) -> AsyncIterator[Any]:
    """A pooled connection at driver level, for reads and for work that manages its own
    transactions (checkpoints)."""
    async with engine.connect() as conn:
        raw = await conn.get_raw_connection()
        yield raw.driver_connection
