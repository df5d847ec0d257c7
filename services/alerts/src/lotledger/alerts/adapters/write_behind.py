"""Fact writes held back until the transaction next reads, so that a consumer batch sends
them as one statement per table instead of one per event (issue 17: ~8 round trips per
stock event); what is held and how it folds is `adapters.held_writes`.

`WriteBehindConnection` sends what is held before any statement that reads (`fetch…`,
`cursor`, `executemany`, `copy…`), so every read in the transaction sees every write
before it, as if each had been sent at once; a plain `execute` goes straight through (the
stores' other writes never touch the held tables' rows). The owner of the transaction
calls `flush` before its commit.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable, Sequence
from typing import Any

from lotledger.alerts.adapters.held_writes import HeldWrites
from lotledger.shared.db import Driver, IsolationLevel, Listener, Row, Transaction


class WriteBehindConnection:
    """A `Driver` that sends the held writes before anything that reads; the stores take
    it wherever they take a `Driver`."""

    def __init__(self, conn: Driver) -> None:
        self.raw = conn
        self.held = HeldWrites()

    async def flush(self) -> None:
        held, self.held = self.held, HeldWrites()
        await held.send(self.raw)

    async def execute(self, query: str, *args: object) -> str:
        return await self.raw.execute(query, *args)

    async def executemany(self, command: str, args: Iterable[Sequence[object]]) -> None:
        await self.flush()
        await self.raw.executemany(command, args)

    async def fetch(self, query: str, *args: object) -> Sequence[Row]:
        await self.flush()
        return await self.raw.fetch(query, *args)

    async def fetchrow(self, query: str, *args: object) -> Row | None:
        await self.flush()
        return await self.raw.fetchrow(query, *args)

    async def fetchval(self, query: str, *args: object) -> Any:
        await self.flush()
        return await self.raw.fetchval(query, *args)

    async def copy_records_to_table(
        self,
        table_name: str,
        *,
        records: Iterable[Sequence[object]],
        columns: Iterable[str] | None = None,
    ) -> str:
        await self.flush()
        return await self.raw.copy_records_to_table(table_name, records=records, columns=columns)

    def cursor(self, query: str, *args: object, prefetch: int | None = None) -> AsyncIterable[Row]:
        async def rows() -> AsyncIterator[Row]:
            await self.flush()
            async for row in self.raw.cursor(query, *args, prefetch=prefetch):
                yield row

        return rows()

    def transaction(
        self, *, isolation: IsolationLevel | None = None, readonly: bool = False
    ) -> Transaction:
        return self.raw.transaction(isolation=isolation, readonly=readonly)

    def is_in_transaction(self) -> bool:
        return self.raw.is_in_transaction()

    async def add_listener(self, channel: str, callback: Listener) -> None:
        await self.raw.add_listener(channel, callback)

    def is_closed(self) -> bool:
        return self.raw.is_closed()

    def get_server_pid(self) -> int:
        return self.raw.get_server_pid()

    async def close(self) -> None:
        await self.raw.close()
