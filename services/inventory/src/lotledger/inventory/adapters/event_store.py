"""The Postgres event store (schema in migrations/versions/0001, 0003 and 0004).

Two ways to run a command, chosen by the caller:

- optimistic (first attempt): read the batches without locks, decide, and append in one
  statement that fails as a whole when another writer got there first (the unique
  stream version, or the version-checked update raising a serialization failure);
- locking (after a conflict): inside a transaction, read the batches `FOR UPDATE` in
  batch-id order, so concurrent commands on one batch serialise and multi-batch commands
  cannot deadlock; the same append follows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from lotledger.inventory.adapters.batch_rows import BATCH_COLUMNS, state_columns, state_from_row
from lotledger.inventory.adapters.envelopes import SignedEvent
from lotledger.inventory.adapters.pick_probes import (
    PROBE,
    PickProbe,
    Probed,
    probe_arguments,
    probed,
)
from lotledger.inventory.domain.batch import BatchState
from lotledger.shared.db import json_param, json_value
from lotledger.shared.envelope import CloudEvent
from lotledger.shared.identifiers import warehouse_of


@dataclass(frozen=True)
class Level:
    """One stock line of a batch after the append (a batch absent from a location has
    none)."""

    batch_id: str
    gtin: str
    lot: str
    location: str
    qty: int
    expiry: date
    status: str
    pickable: bool


@dataclass(frozen=True)
class Appended:
    envelopes: Sequence[SignedEvent]
    states: Sequence[BatchState]
    loaded_versions: Mapping[str, int]
    levels: Sequence[Level]
    keys: Sequence[tuple[str, str, int, bytes]]
    """Idempotency keys to remember: (key, fingerprint, status, body)."""
    principal: str
    stock_topic: str
    now: datetime


APPEND = """
WITH ev AS (
    INSERT INTO events (event_id, stream_id, source, version, type, data, occurred_at, actor,
                        device, correlation_id, causation_id, prev_hash, hash)
    SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::text[],
                         $6::jsonb[], $7::timestamptz[], $8::text[], $9::text[], $10::text[],
                         $11::text[], $12::text[], $13::text[])
    RETURNING 1),
ob AS (
    INSERT INTO outbox (topic, key, event_id, payload)
    SELECT $15, k, i, p FROM unnest($2::text[], $1::uuid[], $14::bytea[]) AS x(k, i, p)
    RETURNING 1),
cr AS (
    INSERT INTO batches (batch_id, gtin, lot, expiry, status, version, head_hash, on_hand,
                         warehouses, updated_at)
    SELECT u.batch_id, u.gtin, u.lot, u.expiry, u.status, u.version, u.head_hash, u.on_hand,
           ARRAY(SELECT jsonb_array_elements_text(u.warehouses)), $25
    FROM unnest($16::text[], $17::text[], $18::text[], $19::date[], $20::text[], $21::int[],
                $22::text[], $23::jsonb[], $24::jsonb[])
         AS u(batch_id, gtin, lot, expiry, status, version, head_hash, on_hand, warehouses)
    ON CONFLICT (batch_id) DO NOTHING RETURNING 1),
up AS (
    UPDATE batches AS b SET status = u.status, version = u.version, head_hash = u.head_hash,
        on_hand = u.on_hand, updated_at = $25,
        warehouses = ARRAY(SELECT jsonb_array_elements_text(u.warehouses))
    FROM unnest($26::text[], $27::text[], $28::text[], $29::date[], $30::text[], $31::int[],
                $32::text[], $33::jsonb[], $34::jsonb[], $35::int[])
         AS u(batch_id, gtin, lot, expiry, status, version, head_hash, on_hand, warehouses,
              expected)
    WHERE b.batch_id = u.batch_id AND b.version = u.expected RETURNING 1),
gone AS (
    DELETE FROM stock_levels s WHERE s.batch_id = ANY($36::text[])
    AND NOT EXISTS (SELECT 1 FROM unnest($37::text[], $38::text[]) AS n(b, l)
                    WHERE n.b = s.batch_id AND n.l = s.location)
    RETURNING 1),
lv AS (
    INSERT INTO stock_levels (batch_id, location, gtin, lot, warehouse, qty, expiry, status,
                              pickable)
    SELECT * FROM unnest($37::text[], $38::text[], $39::text[], $40::text[], $41::text[],
                         $42::int[], $43::date[], $44::text[], $45::bool[])
    ON CONFLICT (batch_id, location) DO UPDATE SET qty = EXCLUDED.qty,
        expiry = EXCLUDED.expiry, status = EXCLUDED.status, pickable = EXCLUDED.pickable
    RETURNING 1),
idem AS (
    INSERT INTO idempotency (principal, key, fingerprint, status, body)
    SELECT $46, * FROM unnest($47::text[], $48::text[], $49::int[], $50::bytea[])
    ON CONFLICT DO NOTHING RETURNING 1)
SELECT CASE
    WHEN (SELECT count(*) FROM cr) <> $51 OR (SELECT count(*) FROM up) <> $52
        THEN append_conflict('a batch changed since it was read')
    WHEN (SELECT count(*) FROM idem) <> cardinality($47::text[])
        THEN append_conflict('an idempotency key was taken meanwhile')
    ELSE (SELECT count(*) FROM ev) + (SELECT count(*) FROM ob) + (SELECT count(*) FROM gone)
         + (SELECT count(*) FROM lv)
END AS writes
"""
"""Everything a request appends, in one statement (one round trip). Another writer of the
same batch makes it fail as a whole (the unique stream version, or the version-checked
update, raising a serialization failure), so it is safe without any lock held."""


READ = f"""
SELECT 0::bigint AS i, {BATCH_COLUMNS}
FROM batches b WHERE b.batch_id = ANY($8::text[])
UNION ALL
{PROBE}"""  # noqa: S608 (constants only)
"""The named batches (i = 0) and every probe's rows, unlocked, in one round trip."""
LOCK = f"""
SELECT {BATCH_COLUMNS}
FROM batches b WHERE b.batch_id = ANY($1::text[]) ORDER BY b.batch_id FOR UPDATE
"""  # noqa: S608 (constants only)


class EventStore:
    def __init__(self, conn: Any) -> None:
        self._conn = conn

    async def probe(self, probes: Sequence[PickProbe]) -> Probed:
        """One round trip for every pick of a request (an index scan each, see 0003)."""
        if not probes:
            return Probed({}, set(), [], {})
        return probed(probes, await self._conn.fetch(PROBE, *probe_arguments(probes)))

    async def read(
        self, batch_ids: Sequence[str], probes: Sequence[PickProbe]
    ) -> tuple[list[BatchState], Probed]:
        """Named batches and the probes' results without locks (the optimistic path:
        the append detects any concurrent writer)."""
        rows = await self._conn.fetch(READ, *probe_arguments(probes), sorted(set(batch_ids)))
        named = [state_from_row(r) for r in rows if r["i"] == 0]
        return named, probed(probes, [r for r in rows if r["i"] != 0])

    async def lock(self, batch_ids: Sequence[str]) -> list[BatchState]:
        """The named batches, locked for this transaction in batch-id order."""
        if not batch_ids:
            return []
        rows = await self._conn.fetch(
            LOCK,
            sorted(set(batch_ids)),
        )
        return [state_from_row(r) for r in rows]

    async def append(self, appended: Appended) -> None:
        """One statement: events, outbox rows, batch states (checking expected versions),
        stock levels, and the stored responses of idempotency keys."""
        e, states, levels, keys = (
            appended.envelopes,
            appended.states,
            appended.levels,
            appended.keys,
        )
        created = [s for s in states if appended.loaded_versions.get(s.batch_id, 0) == 0]
        updated = [s for s in states if appended.loaded_versions.get(s.batch_id, 0) > 0]
        await self._conn.fetchval(
            APPEND,
            [x.id for x in e],
            [x.subject for x in e],
            [x.source for x in e],
            [x.streamversion for x in e],
            [x.type for x in e],
            [json_param(x.data) for x in e],
            [x.time for x in e],
            [x.actor for x in e],
            [x.device for x in e],
            [x.correlationid for x in e],
            [x.causationid for x in e],
            [x.prevhash for x in e],
            [x.hash for x in e],
            [x.to_json() for x in e],
            appended.stock_topic,
            *state_columns(created),
            appended.now,
            *state_columns(updated),
            [appended.loaded_versions[s.batch_id] for s in updated],
            [s.batch_id for s in states],
            [v.batch_id for v in levels],
            [v.location for v in levels],
            [v.gtin for v in levels],
            [v.lot for v in levels],
            [warehouse_of(v.location) for v in levels],
            [v.qty for v in levels],
            [v.expiry for v in levels],
            [v.status for v in levels],
            [v.pickable for v in levels],
            appended.principal,
            [k for k, _, _, _ in keys],
            [f for _, f, _, _ in keys],
            [st for _, _, st, _ in keys],
            [b for _, _, _, b in keys],
            len(created),
            len(updated),
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
