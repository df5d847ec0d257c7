"""The outbox as the relay sees it: rows in commit-safe order and the Kafka offsets the
relay has reached per partition (its recovery starting points).

A service that publishes through an outbox creates `outbox` and `relay_offsets` in its
own schema (`OUTBOX_DDL`, run by inventory's and traceability's first migrations) and inserts
rows in the transaction that decides the events; `lotledger.shared.relay` publishes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

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


@dataclass(frozen=True)
class OutboxMessage:
    id: int
    topic: str
    key: str
    event_id: UUID
    payload: bytes
    traceparent: str | None = None


class Outbox:
    def __init__(self, conn: Any) -> None:
        self._conn = conn

    async def next_batch(self, limit: int) -> list[OutboxMessage]:
        """The oldest unpublished rows. Rows are deleted once published, so a row whose
        transaction commits late (holding an earlier id) is still found next time: nothing
        depends on ids becoming visible in order."""
        rows = await self._conn.fetch(
            "SELECT id, topic, key, event_id, payload, traceparent FROM outbox "
            "ORDER BY id LIMIT $1",
            limit,
        )
        return [
            OutboxMessage(
                r["id"], r["topic"], r["key"], r["event_id"], bytes(r["payload"]), r["traceparent"]
            )
            for r in rows
        ]

    async def published(self, ids: Sequence[int], reached: dict[tuple[str, int], int]) -> None:
        """Forget published rows and record the next offset per partition, atomically."""
        async with self._conn.transaction():
            await self._conn.execute("DELETE FROM outbox WHERE id = ANY($1::bigint[])", list(ids))
            await self._record(reached)

    async def forget_events(
        self, event_ids: Sequence[UUID | str], reached: dict[tuple[str, int], int]
    ) -> int:
        """Recovery: rows already in Kafka (found by event id) are removed."""
        async with self._conn.transaction():
            status = await self._conn.execute(
                "DELETE FROM outbox WHERE event_id = ANY($1::uuid[])", list(event_ids)
            )
            await self._record(reached)
        return int(status.rsplit(" ", 1)[1])

    async def backlog(self) -> tuple[int, datetime | None, datetime]:
        """Rows not yet published, the oldest one's creation time, and the database's now."""
        row = await self._conn.fetchrow(
            "SELECT count(*) AS n, min(created_at) AS oldest, now() AS now FROM outbox"
        )
        return int(row["n"]), row["oldest"], row["now"]

    async def offsets(self) -> dict[tuple[str, int], int]:
        rows = await self._conn.fetch("SELECT topic, partition, next_offset FROM relay_offsets")
        return {(r["topic"], r["partition"]): r["next_offset"] for r in rows}

    async def _record(self, reached: dict[tuple[str, int], int]) -> None:
        if not reached:
            return
        await self._conn.execute(
            "INSERT INTO relay_offsets (topic, partition, next_offset) "
            "SELECT * FROM unnest($1::text[], $2::int[], $3::bigint[]) "
            "ON CONFLICT (topic, partition) DO UPDATE SET next_offset = "
            "GREATEST(relay_offsets.next_offset, EXCLUDED.next_offset)",
            [t for t, _ in reached],
            [p for _, p in reached],
            list(reached.values()),
        )
