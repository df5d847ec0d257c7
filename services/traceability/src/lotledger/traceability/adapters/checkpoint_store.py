"""Checkpoints received on the checkpoints topic (migration 0002): every statement with
whether a trusted key signed it, and each lot's latest head from trusted ones."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ReceivedCheckpoint:
    id: int
    tree_size: int
    root: str
    key_id: str
    created_at: str
    problem: str | None
    """None when a trusted key signed it; otherwise why it is not trusted."""
    heads: Sequence[tuple[str, int, str]]


@dataclass(frozen=True)
class LoggedHead:
    checkpoint: int
    version: int
    hash: str


class CheckpointStore:
    def __init__(self, conn: Any) -> None:
        self._conn = conn

    async def save(self, received: Sequence[ReceivedCheckpoint]) -> None:
        """Idempotent: a redelivered checkpoint changes nothing; heads only move forward."""
        if not received:
            return
        await self._conn.executemany(
            "INSERT INTO checkpoints (id, tree_size, root, key_id, created_at, trusted, problem) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING",
            [
                (c.id, c.tree_size, c.root, c.key_id, c.created_at, c.problem is None, c.problem)
                for c in received
            ],
        )
        latest: dict[str, tuple[str, int, str, int]] = {}
        for c in received:
            for s, v, h in c.heads if c.problem is None else ():
                if s not in latest or latest[s][1] < v:
                    latest[s] = (s, v, h, c.id)
        heads = list(latest.values())
        if heads:
            await self._conn.execute(
                "INSERT INTO checkpoint_heads (stream_id, version, hash, checkpoint) "
                "SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::bigint[]) "
                "ON CONFLICT (stream_id) DO UPDATE SET version = EXCLUDED.version, "
                "hash = EXCLUDED.hash, checkpoint = EXCLUDED.checkpoint "
                "WHERE checkpoint_heads.version < EXCLUDED.version",
                [h[0] for h in heads],
                [h[1] for h in heads],
                [h[2] for h in heads],
                [h[3] for h in heads],
            )

    async def head(self, stream_id: str) -> LoggedHead | None:
        row = await self._conn.fetchrow(
            "SELECT checkpoint, version, hash FROM checkpoint_heads WHERE stream_id = $1",
            stream_id,
        )
        return None if row is None else LoggedHead(row["checkpoint"], row["version"], row["hash"])
