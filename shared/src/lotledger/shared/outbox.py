"""The outbox as a relay sees it: the rows of the slots it holds in commit-safe order,
and the Kafka offsets reached per (slot, topic, partition) (its recovery starting points).

A service that publishes through an outbox creates `outbox` and `relay_offsets` in its
own schema (`OUTBOX_DDL`, run by inventory's and traceability's first migrations, then
`RELAY_SLOTS_DDL`) and inserts rows in the transaction that decides the events;
`lotledger.shared.relay` publishes them. A row's `slot` is generated from its key, so
writers never name it (docs/adr/0018-relay-shares.md).

Invariant of `relay_offsets`: every row of slot s sent to partition p at an offset below
the recorded `next_offset` of (s, topic, p) is gone from the outbox. A relay records an
offset only for slots it holds and has recovered, in the transaction that deletes what
it sent; so a slot's recovery, reading forward from the slot's own offsets, finds every
row of the slot that was sent and not yet deleted, whoever sent it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from uuid import UUID

from lotledger.shared.db import Driver
from lotledger.shared.publishing import Reached
from lotledger.shared.relay_slots import SLOTS
from lotledger.shared.relay_source import OutboxMessage, SlotOffsets

OUTBOX_DDL = """
CREATE TABLE outbox (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    topic     text NOT NULL,
    key       text NOT NULL,
    event_id  uuid NOT NULL,
    payload   bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_TABLE_SCHEMA || '_outbox', '');
    RETURN NULL;
END $$;
CREATE TRIGGER outbox_inserted AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

CREATE TABLE relay_offsets (
    topic       text NOT NULL,
    partition   integer NOT NULL,
    next_offset bigint NOT NULL,
    PRIMARY KEY (topic, partition)
);
"""
TRACE_CONTEXT_DDL = "ALTER TABLE outbox ADD COLUMN traceparent text"
"""The W3C traceparent of the span that wrote the row (NULL untraced): carried next to
the event, never inside its hashed bytes (docs/adr/0019). Each service's
`..._trace_context` migration runs it."""

RELAY_SLOTS_DDL = f"""
ALTER TABLE outbox ADD COLUMN slot smallint NOT NULL
    GENERATED ALWAYS AS ((hashtext(key) & {SLOTS - 1})::smallint) STORED;
DO $$ BEGIN
    EXECUTE format('ALTER TABLE relay_offsets DROP CONSTRAINT %I', (
        SELECT conname FROM pg_constraint
        WHERE conrelid = 'relay_offsets'::regclass AND contype = 'p'));
END $$;
ALTER TABLE relay_offsets ADD COLUMN slot smallint;
INSERT INTO relay_offsets (slot, topic, partition, next_offset)
    SELECT s, topic, partition, next_offset
    FROM relay_offsets, generate_series(0, {SLOTS - 1}) AS s WHERE slot IS NULL;
DELETE FROM relay_offsets WHERE slot IS NULL;
ALTER TABLE relay_offsets ALTER COLUMN slot SET NOT NULL;
ALTER TABLE relay_offsets ADD PRIMARY KEY (slot, topic, partition);
"""  # noqa: S608 (constants only)
"""Slots for the outbox (`SLOTS`; another count needs a migration of its own). The single
relay's offsets hold for every slot (all it sent below them was deleted), so each slot starts
from them."""

RELAY_SLOTS_DOWN = """
ALTER TABLE relay_offsets DROP CONSTRAINT relay_offsets_pkey;
DELETE FROM relay_offsets r USING relay_offsets o
    WHERE r.topic = o.topic AND r.partition = o.partition
      AND (r.next_offset, r.slot) > (o.next_offset, o.slot);
ALTER TABLE relay_offsets DROP COLUMN slot;
ALTER TABLE relay_offsets ADD PRIMARY KEY (topic, partition);
ALTER TABLE outbox DROP COLUMN slot;
"""
"""Back to one relay: each partition keeps its lowest slot offset (a longer scan, never a
skipped row)."""


class Outbox:
    held_back = False

    def __init__(self, conn: Driver) -> None:
        self._conn = conn
        self.more = False
        self._offsets = SlotOffsets(conn, "relay_offsets")

    async def next_batch(self, slots: Collection[int], limit: int) -> list[OutboxMessage]:
        """The oldest unpublished rows of `slots`. Rows are deleted once published, so a
        row whose transaction commits late (holding an earlier id) is still found next
        time: nothing depends on ids becoming visible in order."""
        if not slots:
            self.more = False
            return []
        rows = await self._conn.fetch(
            "SELECT id, topic, key, event_id, payload, traceparent FROM outbox "
            "WHERE slot = ANY($1::smallint[]) ORDER BY id LIMIT $2",
            sorted(slots),
            limit,
        )
        self.more = len(rows) == limit
        return [
            OutboxMessage(
                r["id"], r["topic"], r["key"], r["event_id"], bytes(r["payload"]), r["traceparent"]
            )
            for r in rows
        ]

    async def published(
        self, batch: Sequence[OutboxMessage], reached: Reached, slots: Collection[int]
    ) -> None:
        """Forget published rows and record the next offset per partition for every held
        (and recovered) slot, atomically."""
        async with self._conn.transaction():
            await self._conn.execute(
                "DELETE FROM outbox WHERE id = ANY($1::bigint[])", [m.id for m in batch]
            )
            await self._offsets.record(reached, slots)

    async def forget_events(
        self, event_ids: Sequence[UUID | str], reached: Reached, slots: Collection[int]
    ) -> int:
        """Recovery of `slots`: their rows already in Kafka (found by event id) are
        removed, and the offsets the scan reached recorded for them."""
        async with self._conn.transaction():
            status = await self._conn.execute(
                "DELETE FROM outbox WHERE event_id = ANY($1::uuid[]) "
                "AND slot = ANY($2::smallint[])",
                list(event_ids),
                sorted(slots),
            )
            await self._offsets.record(reached, slots)
        return int(status.rsplit(" ", 1)[1])

    async def backlog(self) -> tuple[int, datetime | None, datetime]:
        """Rows not yet published, the oldest one's creation time, and the database's now."""
        row = await self._conn.fetchrow(
            "SELECT count(*) AS n, min(created_at) AS oldest, now() AS now FROM outbox"
        )
        assert row is not None
        return int(row["n"]), row["oldest"], row["now"]

    async def offsets(self, slots: Collection[int]) -> Reached:
        return await self._offsets.starts(slots)
