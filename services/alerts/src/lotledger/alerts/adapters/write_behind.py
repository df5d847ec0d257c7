"""Fact writes held back until the transaction next reads, so that a consumer batch sends
them as one statement per table instead of one per event (issue 17: ~8 round trips per
stock event).

Held: a batch's stream version and status (`lots`), shipments per consignee
(`shipments`) and per day (`shipped_daily`). They fold exactly: the last version and the
last status given win, quantities add. `WriteBehindConnection` sends what is held before
any statement that reads (`fetch…`, `cursor`, `executemany`, `copy…`), so every read in the
transaction sees every write before it, as if each had been sent at once; a plain
`execute` goes straight through (the stores' other writes never read the held tables'
rows: a receipt's `INSERT … DO NOTHING` into `lots` precedes its version's update). The
owner of the transaction calls `flush` before its commit.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from lotledger.shared.db import Driver, IsolationLevel, Listener, Row, Transaction

_ADVANCE = (
    "UPDATE lots l SET version = b.version, status = COALESCE(b.status, l.status) "
    "FROM unnest($1::text[], $2::text[], $3::int[], $4::text[]) AS b(gtin, lot, version, status) "
    "WHERE l.gtin = b.gtin AND l.lot = b.lot"
)
_SHIPMENTS = (
    "INSERT INTO shipments AS s (gtin, lot, party, warehouse, shipped, returned) "
    "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[]) "
    "ON CONFLICT (gtin, lot, party, warehouse) DO UPDATE SET "
    "shipped = s.shipped + EXCLUDED.shipped, returned = s.returned + EXCLUDED.returned"
)
_SHIPPED_DAILY = (
    "INSERT INTO shipped_daily AS s (gtin, warehouse, day, qty) "
    "SELECT * FROM unnest($1::text[], $2::text[], $3::date[], $4::int[]) "
    "ON CONFLICT (gtin, warehouse, day) DO UPDATE SET qty = s.qty + EXCLUDED.qty"
)


@dataclass
class HeldWrites:
    advances: dict[tuple[str, str], tuple[int, str | None]] = field(default_factory=dict)
    shipments: dict[tuple[str, str, str, str], tuple[int, int]] = field(default_factory=dict)
    shipped_daily: dict[tuple[str, str, date], int] = field(default_factory=dict)

    def advance(self, gtin: str, lot: str, version: int, status: str | None) -> None:
        held = self.advances.get((gtin, lot))
        kept = status if status is not None else (held[1] if held else None)
        self.advances[(gtin, lot)] = (version, kept)

    def ship(self, key: tuple[str, str, str, str], shipped: int, returned: int) -> None:
        before = self.shipments.get(key, (0, 0))
        self.shipments[key] = (before[0] + shipped, before[1] + returned)

    def ship_daily(self, key: tuple[str, str, date], qty: int) -> None:
        self.shipped_daily[key] = self.shipped_daily.get(key, 0) + qty

    def __bool__(self) -> bool:
        return bool(self.advances or self.shipments or self.shipped_daily)


class WriteBehindConnection:
    """A `Driver` that sends the held writes before anything that reads; the stores take
    it wherever they take a `Driver`."""

    def __init__(self, conn: Driver) -> None:
        self.raw = conn
        self.held = HeldWrites()

    async def flush(self) -> None:
        held = self.held
        if not held:
            return
        self.held = HeldWrites()
        if held.advances:
            keys, values = zip(*sorted(held.advances.items()), strict=True)
            await self.raw.execute(
                _ADVANCE, *_columns(keys, 2), [v for v, _ in values], [s for _, s in values]
            )
        if held.shipments:
            keys, values = zip(*sorted(held.shipments.items()), strict=True)
            await self.raw.execute(_SHIPMENTS, *_columns(keys, 4), *_columns(values, 2))
        if held.shipped_daily:
            keys, values = zip(*sorted(held.shipped_daily.items()), strict=True)
            await self.raw.execute(_SHIPPED_DAILY, *_columns(keys, 3), list(values))

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


def _columns(rows: Sequence[Sequence[object]], width: int) -> list[list[object]]:
    return [[row[i] for row in rows] for i in range(width)]
