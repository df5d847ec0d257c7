"""Checkpoints received on the checkpoints topic (migration 0002): every statement with
whether a trusted key signed it, and each lot's latest head from trusted ones."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lotledger.shared.db import Driver


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
    def __init__(self, conn: Driver) -> None:
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
        heads = list(_latest_heads(received).values())
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


def _latest_heads(
    received: Sequence[ReceivedCheckpoint],
) -> dict[str, tuple[str, int, str, int]]:
    """Per lot, the highest version any trusted checkpoint of the batch logged: one row per
    lot, since one INSERT … ON CONFLICT cannot touch a row twice (a replay or a projector
    catching up reads several checkpoints that logged the same lot in one batch)."""
    latest: dict[str, tuple[str, int, str, int]] = {}
    for c in received:
        if c.problem is not None:
            continue
        for stream, version, hash_ in c.heads:
            if stream not in latest or version > latest[stream][1]:
                latest[stream] = (stream, version, hash_, c.id)
    return latest
