"""One read-only snapshot per request: every query a view makes sees the same state
(REPEATABLE READ, READ ONLY), so a lot's summary, balances and history agree even
while the projector commits."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncEngine

from lotledger.shared.db import Driver, driver_of


@asynccontextmanager
async def read_snapshot(engine: AsyncEngine) -> AsyncIterator[Driver]:
    """An asyncpg connection inside a read-only snapshot, rolled back on exit."""
    async with engine.connect() as conn:
        driver = await driver_of(conn)
        transaction = driver.transaction(isolation="repeatable_read", readonly=True)
        await transaction.start()
        try:
            yield driver
        finally:
            await transaction.rollback()


class Filters:
    """A WHERE clause assembled from fixed fragments, values always bound as parameters."""

    def __init__(self) -> None:
        self.clauses: list[str] = []
        self.args: list[object] = []

    def add(self, fragment: str, *values: object) -> None:
        """`fragment` names its values `{}`, `{}`…, replaced by the next `$n`."""
        numbers = [f"${len(self.args) + i + 1}" for i in range(len(values))]
        self.clauses.append(fragment.format(*numbers))
        self.args.extend(values)

    def where(self) -> str:
        return " WHERE " + " AND ".join(self.clauses) if self.clauses else ""

    def page(self, limit: int, offset: int) -> str:
        self.args.extend([limit, offset])
        return f" LIMIT ${len(self.args) - 1} OFFSET ${len(self.args)}"
