"""The event table as the stock relay's source (docs/adr/0014, "The event table as the
relay's source"): no outbox row per event, and a cursor per relay slot instead.

Each event row carries `tx`, the id of the transaction that wrote it (`xid8`, assigned
when that transaction first wrote). A slot's cursor is a `(tx, position)`; the relay
reads the slot's rows after it in that order, but only rows with `tx` below the xmin of
its statement's snapshot: every transaction with an id below it has ended, so each such
row is committed (and visible) or will never exist. Rows of later transactions wait
(`held_back`) until every older transaction has ended; a row can therefore never appear
behind a cursor that passed it, which is the trap of a cursor on `position` (positions
are taken at insert, commits come in any order).

Per-batch order: `(tx, position)` order must be each batch's version order, so a
transaction appending version n+1 must hold a higher id than the one that wrote version n.
The optimistic path gets its id in its append, after reading the head it builds on; the
locking path checks, once its batches are locked, that each head was written by an older
transaction than its own (`store_sql.LOCK`), and retries otherwise.

Invariant of `event_relay_offsets` (as the outbox's): every row of slot s sent to
partition p below the recorded offset is at or behind s's cursor; both are recorded in
one transaction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from datetime import datetime
from uuid import UUID

from lotledger.shared.db import Driver
from lotledger.shared.publishing import Reached
from lotledger.shared.relay_slots import SLOTS
from lotledger.shared.relay_source import OutboxMessage, SlotOffsets

EVENTS_SOURCE = "events"
"""The source's name: its NOTIFY channel is `{schema}_events` (the `events_inserted`
trigger), its backlog gauge `{schema}.events`."""

_HORIZON = "h AS MATERIALIZED (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS horizon)"
_AFTER_CURSORS = """
unnest($1::smallint[]) AS s(slot)
LEFT JOIN relay_cursors c ON c.slot = s.slot
CROSS JOIN LATERAL (
    SELECT e.position, e.tx, e.slot, e.stream_id, e.event_id, e.payload, e.traceparent
    FROM events e
    WHERE e.slot = s.slot
      AND (e.tx, e.position) > (coalesce(c.tx, '0'::xid8), coalesce(c.position, 0))
      AND e.tx < (SELECT horizon FROM h)
    ORDER BY e.tx, e.position LIMIT $2) AS e"""
"""Up to $2 rows of each slot of $1 after its cursor and below the horizon, in order: one
short ordered scan of `events_relay` per slot."""

READ = f"""
WITH {_HORIZON}
SELECT e.position, e.tx::text AS tx, e.slot, e.stream_id, e.event_id, e.payload,
       e.traceparent, w.held
FROM (SELECT EXISTS (
        SELECT 1 FROM unnest($1::smallint[]) AS s(slot)
        CROSS JOIN LATERAL (SELECT 1 FROM events x WHERE x.slot = s.slot
                            AND x.tx >= (SELECT horizon FROM h) LIMIT 1) AS x) AS held) AS w
LEFT JOIN LATERAL (SELECT e.* FROM {_AFTER_CURSORS}) AS e ON true
ORDER BY e.tx, e.position"""  # noqa: S608 (constants only)
"""A batch (each held slot's next rows, `$2` each), and whether committed rows of the
held slots wait beyond the horizon (one row of NULLs and the flag when there is nothing
to read). The rows of different slots need no common order."""

NEXT = f"""
WITH {_HORIZON}
SELECT e.slot, e.tx::text AS tx, e.position, e.event_id FROM {_AFTER_CURSORS}
ORDER BY e.slot, e.tx, e.position"""  # noqa: S608 (constants only)
"""Each slot's next $2 rows (a recovery's walk)."""

ADVANCE = """
INSERT INTO relay_cursors (slot, tx, position)
SELECT s, t::xid8, p FROM unnest($1::smallint[], $2::text[], $3::bigint[]) AS u(s, t, p)
ON CONFLICT (slot) DO UPDATE SET tx = EXCLUDED.tx, position = EXCLUDED.position
WHERE (relay_cursors.tx, relay_cursors.position) < (EXCLUDED.tx, EXCLUDED.position)"""

UNPUBLISHED = f"""
SELECT coalesce(sum(w.n), 0)::bigint AS n, min(w.oldest) AS oldest, now() AS now
FROM generate_series(0, {SLOTS - 1}) AS s(slot)
LEFT JOIN relay_cursors c ON c.slot = s.slot
CROSS JOIN LATERAL (
    SELECT count(*) AS n, min(e.recorded_at) AS oldest FROM events e
    WHERE e.slot = s.slot
      AND (e.tx, e.position) > (coalesce(c.tx, '0'::xid8), coalesce(c.position, 0))) AS w
"""  # noqa: S608 (constants only)
"""Stock events not yet published, and when the oldest was recorded (a range of
`events_relay` per slot)."""

SESSION = "SET enable_bitmapscan = off"
"""For the relay's own connection. A slot's scan stops after its share of the batch, in
index order; Postgres estimates the rows after a cursor from a default selectivity, and
when the share passes that estimate it plans a bitmap scan of every row after the cursor
and a sort: 36 ms instead of 3 ms for 2,000 rows with 50,000 waiting, and growing with
the backlog."""

Cursor = tuple[int, int]


class EventSource:
    def __init__(self, conn: Driver) -> None:
        self._conn = conn
        self._offsets = SlotOffsets(conn, "event_relay_offsets")
        self.held_back = self.more = False
        self._session_set = False

    async def next_batch(self, slots: Collection[int], limit: int) -> list[OutboxMessage]:
        if not slots:
            self.held_back = self.more = False
            return []
        if not self._session_set:
            await self._conn.execute(SESSION)
            self._session_set = True
        share = -(-limit // len(slots))
        rows = await self._conn.fetch(READ, sorted(slots), share)
        self.held_back = bool(rows[0]["held"])
        self.more = share in Counter(r["slot"] for r in rows if r["position"] is not None).values()
        return [
            OutboxMessage(
                r["position"],
                "",
                r["stream_id"],
                r["event_id"],
                r["payload"],
                r["traceparent"],
                r["slot"],
                int(r["tx"]),
            )
            for r in rows
            if r["position"] is not None
        ]

    async def published(
        self, batch: Sequence[OutboxMessage], reached: Reached, slots: Collection[int]
    ) -> None:
        """Move each slot's cursor to its last row sent and record the offsets reached,
        atomically."""
        last = {m.slot: (m.tx, m.id) for m in batch}
        async with self._conn.transaction():
            await self._advance(last)
            await self._offsets.record(reached, slots)

    async def forget_events(
        self, event_ids: Sequence[UUID | str], reached: Reached, slots: Collection[int]
    ) -> int:
        """Recovery of `slots`: each slot's cursor passes the rows after it that Kafka
        already holds, as long as they follow one another (a slot's rows are sent in
        cursor order, so those sent are the first ones; a row found past a gap is sent
        again rather than anything skipped)."""
        found = {UUID(str(i)) for i in event_ids}
        moved: dict[int, Cursor] = {}
        passed = 0
        if found:
            stopped: set[int] = set()
            for r in await self._conn.fetch(NEXT, sorted(slots), len(found) + 1):
                if r["slot"] in stopped:
                    continue
                if r["event_id"] in found:
                    moved[r["slot"]] = (int(r["tx"]), r["position"])
                    passed += 1
                else:
                    stopped.add(r["slot"])
        async with self._conn.transaction():
            await self._advance(moved)
            await self._offsets.record(reached, slots)
        return passed

    async def backlog(self) -> tuple[int, datetime | None, datetime]:
        row = await self._conn.fetchrow(UNPUBLISHED)
        assert row is not None
        return int(row["n"]), row["oldest"], row["now"]

    async def offsets(self, slots: Collection[int]) -> Reached:
        return await self._offsets.starts(slots)

    async def _advance(self, cursors: dict[int, Cursor]) -> None:
        if cursors:
            slots = sorted(cursors)
            await self._conn.execute(
                ADVANCE,
                slots,
                [str(cursors[s][0]) for s in slots],
                [cursors[s][1] for s in slots],
            )
