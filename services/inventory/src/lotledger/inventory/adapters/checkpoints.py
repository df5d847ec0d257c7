"""Checkpoint storage and the queries behind creating and verifying one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lotledger.inventory.adapters.event_store import stored_envelope


@dataclass(frozen=True)
class Checkpoint:
    id: int
    position: int
    streams: int
    root: str
    created_at: datetime
    key_id: str
    payload: str
    signature: str


def _checkpoint(row: Any) -> Checkpoint:
    return Checkpoint(**dict(row))


class CheckpointStore:
    """Runs on a driver connection; the caller manages transactions."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    async def safe_position(self) -> int:
        """The highest event position below which every transaction has finished.

        `events_safe_position()` takes SHARE mode, which waits for transactions holding ROW
        EXCLUSIVE (every append) to end, and the lock is released with this transaction, so
        appends pause only for that instant. It runs as the table's owner: the runtime role
        lacks the privileges LOCK ... IN SHARE MODE needs."""
        async with self._conn.transaction():
            return int(await self._conn.fetchval("SELECT events_safe_position()"))

    async def latest(self) -> Checkpoint | None:
        row = await self._conn.fetchrow("SELECT * FROM checkpoints ORDER BY id DESC LIMIT 1")
        return None if row is None else _checkpoint(row)

    async def get(self, checkpoint_id: int) -> Checkpoint | None:
        row = await self._conn.fetchrow("SELECT * FROM checkpoints WHERE id = $1", checkpoint_id)
        return None if row is None else _checkpoint(row)

    async def page(self, limit: int, before: int | None) -> list[Checkpoint]:
        rows = await self._conn.fetch(
            "SELECT * FROM checkpoints WHERE $2::bigint IS NULL OR id < $2 "
            "ORDER BY id DESC LIMIT $1",
            limit,
            before,
        )
        return [_checkpoint(r) for r in rows]

    async def heads(self, position: int) -> list[tuple[str, int, str]]:
        rows = await self._conn.fetch(
            "SELECT DISTINCT ON (stream_id) stream_id, version, hash FROM events "
            "WHERE position <= $1 ORDER BY stream_id, version DESC",
            position,
        )
        return [(r["stream_id"], r["version"], r["hash"]) for r in rows]

    async def insert(
        self,
        position: int,
        streams: int,
        root: str,
        created_at: datetime,
        key_id: str,
        payload: str,
        signature: str,
    ) -> int:
        return int(
            await self._conn.fetchval(
                "INSERT INTO checkpoints (position, streams, root, created_at, key_id, payload, "
                "signature) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                position,
                streams,
                root,
                created_at,
                key_id,
                payload,
                signature,
            )
        )

    async def streams_upto(
        self, position: int, chunk: int = 5000
    ) -> AsyncIterator[tuple[str, list[dict[str, Any]]]]:
        """Every stream's events with position ≤ `position`, stream by stream, as envelope
        dicts in version order (a server-side cursor; memory stays bounded)."""
        current: str | None = None
        events: list[dict[str, Any]] = []
        async with self._conn.transaction():
            cursor = self._conn.cursor(
                "SELECT event_id, source, type, stream_id, occurred_at, data, version, actor, "
                "device, correlation_id, causation_id, prev_hash, hash, position FROM events "
                "WHERE position <= $1 ORDER BY stream_id, version",
                position,
                prefetch=chunk,
            )
            async for row in cursor:
                if row["stream_id"] != current and current is not None:
                    yield current, events
                    events = []
                current = row["stream_id"]
                events.append(stored_envelope(row))
            if current is not None:
                yield current, events
