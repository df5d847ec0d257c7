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

import asyncpg
from sqlalchemy.ext.asyncio import AsyncEngine

from lotledger.inventory.adapters.append_statement import BatchChanged, CatalogChanged
from lotledger.inventory.adapters.catalog_store import CatalogStore
from lotledger.inventory.adapters.event_store import EventStore
from lotledger.inventory.adapters.sensor_store import SensorStore
from lotledger.inventory.adapters.serial_store import SerialStore
from lotledger.inventory.adapters.sync_store import SyncStore
from lotledger.shared.db import Driver, DriverUnitOfWork, driver_of
from lotledger.shared.idempotency import DuplicateKey, IdempotencyStore

RETRYABLE: tuple[type[Exception], ...] = (
    BatchChanged,
    CatalogChanged,
    DuplicateKey,
    asyncpg.SerializationError,
    asyncpg.DeadlockDetectedError,
    asyncpg.UniqueViolationError,
)
"""Failures caused by a concurrent transaction: the whole request may be tried again."""


class UnitOfWork(DriverUnitOfWork):
    store: EventStore
    catalog: CatalogStore
    idempotency: IdempotencyStore
    sensors: SensorStore
    sync: SyncStore
    serials: SerialStore

    def __init__(self, engine: AsyncEngine, locking: bool = True) -> None:
        super().__init__(engine, transactional=locking)
        self.locking = locking

    def bind(self, driver: Driver) -> None:
        self.store = EventStore(driver)
        self.catalog = CatalogStore(driver)
        self.idempotency = IdempotencyStore(driver, "inventory")
        self.sensors = SensorStore(driver)
        self.sync = SyncStore(driver)
        self.serials = SerialStore(driver)


@asynccontextmanager
async def driver_connection(engine: AsyncEngine) -> AsyncIterator[Driver]:
    """A pooled connection at driver level, for reads and for work that manages its own
    transactions (checkpoints)."""
    async with engine.connect() as conn:
        yield await driver_of(conn)
