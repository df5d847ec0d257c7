"""What a relay publishes from, whatever the source (`lotledger.shared.outbox`, or
inventory's event table, `lotledger.inventory.adapters.event_source`): the rows it hands
over, the protocol a source keeps, and the Kafka offsets a source records per (slot,
topic, partition) as its recovery's starting points (docs/adr/0018-relay-shares.md)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import NamedTuple, Protocol
from uuid import UUID

from lotledger.shared.db import Driver
from lotledger.shared.publishing import Reached


class OutboxMessage(NamedTuple):
    """A row to publish. `id` orders a source's rows (the outbox id; an event's position);
    `slot` and `tx` are set by sources that keep a cursor (the event table). A named
    tuple: a relay builds one per event, and a frozen dataclass's construction was a
    seventh of a relay's time."""

    id: int
    topic: str
    key: str
    event_id: UUID
    payload: bytes
    traceparent: str | None = None
    slot: int = -1
    tx: int = 0


class RelaySource(Protocol):
    """What a relay publishes from: the outbox (rows deleted once sent) or an event table
    read by cursor (`lotledger.inventory.adapters.event_source`). Both record, with what
    they forget, the Kafka offsets reached per (slot, topic, partition), under the same
    invariant (`lotledger.shared.outbox`'s docstring)."""

    held_back: bool
    """The last `next_batch` left committed rows for later (they may not be sent yet)."""
    more: bool
    """The last `next_batch` stopped at its limit: more rows may be ready to read now."""

    async def next_batch(self, slots: Collection[int], limit: int) -> list[OutboxMessage]: ...

    async def published(
        self, batch: Sequence[OutboxMessage], reached: Reached, slots: Collection[int]
    ) -> None: ...

    async def forget_events(
        self, event_ids: Sequence[UUID | str], reached: Reached, slots: Collection[int]
    ) -> int: ...

    async def backlog(self) -> tuple[int, datetime | None, datetime]: ...

    async def offsets(self, slots: Collection[int]) -> Reached: ...


class SlotOffsets:
    """A relay source's Kafka offsets per (slot, topic, partition), in `table`."""

    def __init__(self, conn: Driver, table: str) -> None:
        self._conn = conn
        self._select = (
            "SELECT topic, partition, min(next_offset) AS low, count(*) AS n "  # noqa: S608
            f"FROM {table} WHERE slot = ANY($1::smallint[]) GROUP BY topic, partition"
        )
        self._upsert = (
            f"INSERT INTO {table} (slot, topic, partition, next_offset) "  # noqa: S608
            "SELECT * FROM unnest($1::smallint[], $2::text[], $3::int[], $4::bigint[]) "
            "ON CONFLICT (slot, topic, partition) DO UPDATE SET next_offset = "
            f"GREATEST({table}.next_offset, EXCLUDED.next_offset)"
        )

    async def starts(self, slots: Collection[int]) -> Reached:
        """Where a recovery of `slots` starts reading each partition: the lowest offset
        recorded for any of them (0 where one of them has none)."""
        rows = await self._conn.fetch(self._select, sorted(slots))
        return {(r["topic"], r["partition"]): r["low"] if r["n"] == len(slots) else 0 for r in rows}

    async def record(self, reached: Reached, slots: Collection[int]) -> None:
        if not reached or not slots:
            return
        keys = [(s, t, p, n) for s in sorted(slots) for (t, p), n in reached.items()]
        await self._conn.execute(
            self._upsert,
            [k[0] for k in keys],
            [k[1] for k in keys],
            [k[2] for k in keys],
            [k[3] for k in keys],
        )
