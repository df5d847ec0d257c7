"""The Postgres event store (schema in migrations/versions/0001).

Runs on an asyncpg connection inside a transaction opened by the unit of work. Batches
a command will write are read `FOR UPDATE` in batch-id order, so concurrent commands on
one batch serialise and multi-batch commands cannot deadlock; the append still checks
the expected version and a mismatch raises `VersionConflict` (the caller retries).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from lotledger.inventory.domain.batch import BatchState
from lotledger.shared.contracts.stock import BatchStatus
from lotledger.shared.db import json_param, json_value
from lotledger.shared.envelope import CloudEvent
from lotledger.shared.identifiers import warehouse_of


class VersionConflict(Exception):
    """Another transaction appended to one of the batches first."""


def state_from_row(row: Mapping[Any, Any]) -> BatchState:
    """A batch row (asyncpg record or SQLAlchemy mapping) as domain state."""
    on_hand = json_value(row["on_hand"])
    return BatchState(
        gtin=row["gtin"],
        lot=row["lot"],
        expiry=row["expiry"],
        status=BatchStatus(row["status"]),
        on_hand=dict(on_hand),
        version=row["version"],
        head_hash=row["head_hash"],
    )


class EventStore:
    def __init__(self, conn: Any) -> None:
        self._conn = conn

    async def lock(self, batch_ids: Sequence[str], fefo_gtins: Sequence[str]) -> list[BatchState]:
        """Named batches and every stocked batch of `fefo_gtins`, locked for this transaction."""
        if not batch_ids and not fefo_gtins:
            return []
        rows = await self._conn.fetch(
            "SELECT batch_id, gtin, lot, expiry, status, version, head_hash, on_hand "
            "FROM batches WHERE batch_id = ANY($1::text[]) "
            "OR (gtin = ANY($2::text[]) AND on_hand <> '{}'::jsonb) ORDER BY batch_id FOR UPDATE",
            list(batch_ids),
            list(fefo_gtins),
        )
        return [state_from_row(r) for r in rows]

    async def peek(self, gtins: Sequence[str], exclude: Iterable[str]) -> list[BatchState]:
        """Stocked batches of `gtins`, not locked: context for FEFO-deviation marks only."""
        if not gtins:
            return []
        rows = await self._conn.fetch(
            "SELECT batch_id, gtin, lot, expiry, status, version, head_hash, on_hand "
            "FROM batches WHERE gtin = ANY($1::text[]) "
            "AND on_hand <> '{}'::jsonb AND NOT batch_id = ANY($2::text[])",
            list(gtins),
            list(exclude),
        )
        return [state_from_row(r) for r in rows]

    async def append(
        self,
        envelopes: Sequence[CloudEvent],
        states: Sequence[BatchState],
        loaded_versions: dict[str, int],
        stock_topic: str,
        now: datetime,
    ) -> None:
        """Insert events and their outbox rows, and move the touched batches to `states`."""
        conn = self._conn
        await conn.execute(
            "INSERT INTO events (event_id, stream_id, source, version, type, data, occurred_at, "
            "actor, device, correlation_id, causation_id, prev_hash, hash) "
            "SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::text[], "
            "$6::jsonb[], $7::timestamptz[], $8::text[], $9::text[], $10::text[], $11::text[], "
            "$12::text[], $13::text[])",
            [e.id for e in envelopes],
            [e.subject for e in envelopes],
            [e.source for e in envelopes],
            [e.streamversion for e in envelopes],
            [e.type for e in envelopes],
            [json_param(e.data) for e in envelopes],
            [e.time for e in envelopes],
            [e.actor for e in envelopes],
            [e.device for e in envelopes],
            [e.correlationid for e in envelopes],
            [e.causationid for e in envelopes],
            [e.prevhash for e in envelopes],
            [e.hash for e in envelopes],
        )
        await conn.execute(
            "INSERT INTO outbox (topic, key, event_id, payload) "
            "SELECT $1, * FROM unnest($2::text[], $3::uuid[], $4::bytea[])",
            stock_topic,
            [e.subject for e in envelopes],
            [e.id for e in envelopes],
            [e.to_json() for e in envelopes],
        )
        await self._save_states(states, loaded_versions, now)

    async def _save_states(
        self, states: Sequence[BatchState], loaded: dict[str, int], now: datetime
    ) -> None:
        conn = self._conn
        created = [s for s in states if loaded.get(s.batch_id, 0) == 0]
        updated = [s for s in states if loaded.get(s.batch_id, 0) > 0]
        if created:
            inserted = await conn.fetch(
                "INSERT INTO batches (batch_id, gtin, lot, expiry, status, version, head_hash, "
                "on_hand, warehouses, updated_at) "
                "SELECT u.*, w.warehouses, $9::timestamptz "
                "FROM unnest($1::text[], $2::text[], $3::text[], "
                "$4::date[], $5::text[], $6::int[], $7::text[], $8::jsonb[]) "
                "AS u(batch_id, gtin, lot, expiry, status, version, head_hash, on_hand) "
                "CROSS JOIN LATERAL (SELECT ARRAY(SELECT DISTINCT split_part(k, '/', 1) "
                "FROM jsonb_object_keys(u.on_hand) k)) w(warehouses) "
                "ON CONFLICT (batch_id) DO NOTHING RETURNING batch_id",
                *_columns(created),
                now,
            )
            if len(inserted) != len(created):
                raise VersionConflict("a batch was created concurrently")
        if updated:
            result = await conn.execute(
                "UPDATE batches AS b SET status = u.status, version = u.version, "
                "head_hash = u.head_hash, on_hand = u.on_hand, updated_at = $10, "
                "warehouses = ARRAY(SELECT DISTINCT x FROM unnest(b.warehouses || ARRAY("
                "SELECT split_part(k, '/', 1) FROM jsonb_object_keys(u.on_hand) k)) x) "
                "FROM unnest($1::text[], $2::text[], $3::text[], $4::date[], $5::text[], "
                "$6::int[], $7::text[], $8::jsonb[], $9::int[]) "
                "AS u(batch_id, gtin, lot, expiry, status, version, head_hash, on_hand, expected) "
                "WHERE b.batch_id = u.batch_id AND b.version = u.expected",
                *_columns(updated),
                [loaded[s.batch_id] for s in updated],
                now,
            )
            if int(result.rsplit(" ", 1)[1]) != len(updated):
                raise VersionConflict("a batch changed since it was loaded")
        ids = [s.batch_id for s in states]
        await conn.execute("DELETE FROM stock_levels WHERE batch_id = ANY($1::text[])", ids)
        levels = [(s, loc, qty) for s in states for loc, qty in s.on_hand.items()]
        if levels:
            await conn.execute(
                "INSERT INTO stock_levels (batch_id, location, gtin, lot, warehouse, qty) "
                "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], "
                "$5::text[], $6::int[])",
                [s.batch_id for s, _, _ in levels],
                [loc for _, loc, _ in levels],
                [s.gtin for s, _, _ in levels],
                [s.lot for s, _, _ in levels],
                [warehouse_of(loc) for _, loc, _ in levels],
                [q for _, _, q in levels],
            )

    async def stream(self, batch_id: str) -> list[dict[str, Any]]:
        """The batch's events as envelope dicts in version order (for reading and verifying)."""
        rows = await self._conn.fetch(
            "SELECT event_id, source, type, stream_id, occurred_at, data, version, actor, device, "
            "correlation_id, causation_id, prev_hash, hash, position FROM events "
            "WHERE stream_id = $1 ORDER BY version",
            batch_id,
        )
        return [stored_envelope(r) for r in rows]


def stored_envelope(row: Any) -> dict[str, Any]:
    data = row["data"]
    return CloudEvent(
        id=row["event_id"],
        source=row["source"],
        type=row["type"],
        subject=row["stream_id"],
        time=row["occurred_at"],
        data=json_value(data),
        streamversion=row["version"],
        actor=row["actor"],
        device=row["device"],
        correlationid=row["correlation_id"],
        causationid=row["causation_id"],
        prevhash=row["prev_hash"],
        hash=row["hash"],
    ).to_dict()


def _columns(states: Sequence[BatchState]) -> list[list[Any]]:
    return [
        [s.batch_id for s in states],
        [s.gtin for s in states],
        [s.lot for s in states],
        [s.expiry for s in states],
        [str(s.status) for s in states],
        [s.version for s in states],
        [s.head_hash for s in states],
        [json_param(s.on_hand) for s in states],
    ]
