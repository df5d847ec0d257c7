"""The verifiable log in Postgres (migration 0005): leaves, the perfect nodes appends
complete, signed checkpoints, the keys that signed them, and divergences between the
event store and what was published. Every table is append-only; the caller manages
transactions."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from lotledger.inventory.adapters.stored_events import ENVELOPE_COLUMNS
from lotledger.shared.db import Driver, Row, json_param, json_value
from lotledger.verify.merkle import Frontier, Node
from lotledger.verify.statement import Head, event_leaf


@dataclass(frozen=True)
class Checkpoint:
    id: int
    tree_size: int
    root: str
    streams: int
    offsets: dict[int, int]
    heads_digest: str
    created_at: datetime
    key_id: str
    payload: str
    signature: str


@dataclass(frozen=True)
class Leaf:
    index: int
    stream_id: str
    version: int
    hash: str
    partition: int
    offset: int

    @property
    def head(self) -> Head:
        return self.stream_id, self.version, self.hash

    @property
    def leaf_hash(self) -> bytes:
        return event_leaf(self.stream_id, self.version, self.hash)


@dataclass(frozen=True)
class Divergence:
    stream_id: str
    version: int
    published_hash: str
    stored_hash: str | None


@dataclass(frozen=True)
class NewCheckpoint:
    checkpoint: Checkpoint
    leaves: Sequence[Leaf]
    nodes: Sequence[tuple[int, int, bytes]]
    public_key: str
    divergences: Sequence[Divergence]
    message: tuple[str, str, UUID, bytes]
    """Outbox row of the signed statement: topic, key, event id, payload."""


def _checkpoint(row: Row) -> Checkpoint:
    return Checkpoint(
        id=row["id"],
        tree_size=row["tree_size"],
        root=row["root"],
        streams=row["streams"],
        offsets={int(p): int(o) for p, o in json_value(row["offsets"]).items()},
        heads_digest=row["heads_digest"],
        created_at=row["created_at"],
        key_id=row["key_id"],
        payload=row["payload"],
        signature=row["signature"],
    )


def _leaf(row: Row) -> Leaf:
    return Leaf(
        row["leaf_index"],
        row["stream_id"],
        row["version"],
        row["hash"],
        row["kafka_partition"],
        row["kafka_offset"],
    )


class LogStore:
    def __init__(self, conn: Driver) -> None:
        self._conn = conn

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

    async def keys(self) -> list[tuple[str, str, datetime]]:
        rows = await self._conn.fetch(
            "SELECT key_id, public_key, first_used_at FROM checkpoint_keys ORDER BY first_used_at"
        )
        return [(r["key_id"], r["public_key"], r["first_used_at"]) for r in rows]

    async def frontier(self, size: int) -> Frontier:
        """The right edge of the tree of `size` leaves, to append to it."""
        nodes = await self.nodes(Frontier.peak_nodes(size))
        return Frontier(size, {level: nodes[(level, i)] for level, i in Frontier.peak_nodes(size)})

    async def nodes(self, wanted: Iterable[Node]) -> dict[Node, bytes]:
        """Perfect nodes by (level, index); level 0 is the leaf itself."""
        wanted = set(wanted)
        leaves = sorted(i for level, i in wanted if level == 0)
        inner = sorted(n for n in wanted if n[0] > 0)
        found: dict[Node, bytes] = {}
        if leaves:
            rows = await self._conn.fetch(
                "SELECT leaf_index, stream_id, version, hash, kafka_partition, kafka_offset "
                "FROM log_leaves WHERE leaf_index = ANY($1::bigint[])",
                leaves,
            )
            found.update({(0, r["leaf_index"]): _leaf(r).leaf_hash for r in rows})
        if inner:
            rows = await self._conn.fetch(
                "SELECT n.level, n.idx, n.hash FROM log_nodes n JOIN unnest($1::smallint[], "
                "$2::bigint[]) AS w(level, idx) ON n.level = w.level AND n.idx = w.idx",
                [level for level, _ in inner],
                [i for _, i in inner],
            )
            found.update({(r["level"], r["idx"]): bytes(r["hash"]) for r in rows})
        missing = wanted - set(found)
        if missing:
            raise LookupError(f"the log lacks {len(missing)} nodes, e.g. {min(missing)}")
        return found

    async def stream_leaves(self, stream_id: str, tree_size: int) -> list[Leaf]:
        """The stream's leaves within the first `tree_size`, first occurrence per version,
        in version order."""
        rows = await self._conn.fetch(
            "SELECT DISTINCT ON (version) leaf_index, stream_id, version, hash, kafka_partition, "
            "kafka_offset FROM log_leaves "
            "WHERE stream_id = $1 AND leaf_index < $2 ORDER BY version, leaf_index",
            stream_id,
            tree_size,
        )
        return [_leaf(r) for r in rows]

    async def logged_streams(self, stream_ids: Sequence[str]) -> set[str]:
        rows = await self._conn.fetch(
            "SELECT DISTINCT stream_id FROM log_leaves WHERE stream_id = ANY($1::text[]) "
            "AND version = 1",
            list(stream_ids),
        )
        return {r["stream_id"] for r in rows}

    async def stored_hashes(self, keys: Sequence[tuple[str, int]]) -> dict[tuple[str, int], str]:
        """What the event store holds for these (stream, version) pairs."""
        if not keys:
            return {}
        rows = await self._conn.fetch(
            "SELECT e.stream_id, e.version, e.hash FROM events e JOIN unnest($1::text[], "
            "$2::int[]) AS k(stream_id, version) ON e.stream_id = k.stream_id "
            "AND e.version = k.version",
            [s for s, _ in keys],
            [v for _, v in keys],
        )
        return {(r["stream_id"], r["version"]): r["hash"] for r in rows}

    async def append(self, new: NewCheckpoint) -> None:
        c = new.checkpoint
        async with self._conn.transaction():
            await self._conn.copy_records_to_table(
                "log_leaves",
                records=[
                    (x.index, x.stream_id, x.version, x.hash, x.partition, x.offset, c.id)
                    for x in new.leaves
                ],
                columns=[
                    "leaf_index",
                    "stream_id",
                    "version",
                    "hash",
                    "kafka_partition",
                    "kafka_offset",
                    "checkpoint",
                ],
            )
            if new.nodes:
                await self._conn.copy_records_to_table(
                    "log_nodes", records=list(new.nodes), columns=["level", "idx", "hash"]
                )
            await self._conn.execute(
                "INSERT INTO checkpoints (id, tree_size, root, streams, offsets, heads_digest, "
                "created_at, key_id, payload, signature) "
                "VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9, $10)",
                c.id,
                c.tree_size,
                c.root,
                c.streams,
                json_param({str(p): o for p, o in sorted(c.offsets.items())}),
                c.heads_digest,
                c.created_at,
                c.key_id,
                c.payload,
                c.signature,
            )
            await self._conn.execute(
                "INSERT INTO checkpoint_keys (key_id, public_key, first_used_at) "
                "VALUES ($1, $2, $3) ON CONFLICT (key_id) DO NOTHING",
                c.key_id,
                new.public_key,
                c.created_at,
            )
            if new.divergences:
                await self._conn.executemany(
                    "INSERT INTO log_divergences (checkpoint, stream_id, version, "
                    "published_hash, stored_hash, found_at) VALUES ($1, $2, $3, $4, $5, $6)",
                    [
                        (
                            c.id,
                            d.stream_id,
                            d.version,
                            d.published_hash,
                            d.stored_hash,
                            c.created_at,
                        )
                        for d in new.divergences
                    ],
                )
            topic, key, event_id, payload = new.message
            await self._conn.execute(
                "INSERT INTO outbox (topic, key, event_id, payload) VALUES ($1, $2, $3, $4)",
                topic,
                key,
                event_id,
                payload,
            )

    async def divergences(self, limit: int = 100) -> list[tuple[int, Divergence]]:
        rows = await self._conn.fetch(
            "SELECT checkpoint, stream_id, version, published_hash, stored_hash "
            "FROM log_divergences ORDER BY id LIMIT $1",
            limit,
        )
        return [
            (
                r["checkpoint"],
                Divergence(r["stream_id"], r["version"], r["published_hash"], r["stored_hash"]),
            )
            for r in rows
        ]


class LogAudit:
    """Whole-store comparisons for auditing one checkpoint (server-side cursors; memory
    stays bounded by one stream)."""

    def __init__(self, conn: Driver) -> None:
        self._conn = conn

    async def leaves(self, tree_size: int, chunk: int = 20_000) -> AsyncIterator[Leaf]:
        async with self._conn.transaction():
            cursor = self._conn.cursor(
                "SELECT leaf_index, stream_id, version, hash, kafka_partition, kafka_offset "
                "FROM log_leaves WHERE leaf_index < $1 ORDER BY leaf_index",
                tree_size,
                prefetch=chunk,
            )
            async for row in cursor:
                yield _leaf(row)

    async def streams(
        self, tree_size: int, chunk: int = 5_000
    ) -> AsyncIterator[tuple[str, list[Row], dict[int, str]]]:
        """Every stored stream with its events (version order) and the hashes the log
        holds for its versions (first occurrence within `tree_size`)."""
        current: str | None = None
        events: list[Row] = []
        logged: dict[int, str] = {}
        async with self._conn.transaction():
            cursor = self._conn.cursor(
                f"SELECT {ENVELOPE_COLUMNS}, l.hash AS logged "  # noqa: S608 (constants only)
                "FROM events e LEFT JOIN LATERAL ("
                "SELECT hash FROM log_leaves x WHERE x.stream_id = e.stream_id "
                "AND x.version = e.version AND x.leaf_index < $1 ORDER BY x.leaf_index LIMIT 1"
                ") l ON true ORDER BY e.stream_id, e.version",
                tree_size,
                prefetch=chunk,
            )
            async for row in cursor:
                if row["stream_id"] != current and current is not None:
                    yield current, events, logged
                    events, logged = [], {}
                current = row["stream_id"]
                events.append(row)
                if row["logged"] is not None:
                    logged[row["version"]] = row["logged"]
            if current is not None:
                yield current, events, logged

    async def unstored(self, tree_size: int, limit: int) -> list[Leaf]:
        """Logged versions the event store no longer holds."""
        rows = await self._conn.fetch(
            "SELECT x.leaf_index, x.stream_id, x.version, x.hash, x.kafka_partition, "
            "x.kafka_offset "
            "FROM log_leaves x WHERE x.leaf_index < $1 AND NOT EXISTS "
            "(SELECT 1 FROM events e WHERE e.stream_id = x.stream_id AND e.version = x.version)"
            " ORDER BY x.leaf_index LIMIT $2",
            tree_size,
            limit,
        )
        return [_leaf(r) for r in rows]
