"""The Postgres event store (schema in migrations/versions).

Two ways to run a command, chosen by the caller:

- optimistic (first attempt): read the batches without locks, decide, and append in one
  statement that writes nothing when another writer got there first (`BatchChanged`
  when a batch moved on, a unique violation when a batch or stream version was taken);
- locking (after a conflict): inside a transaction, read the batches `FOR UPDATE` in
  batch-id order, so concurrent commands on one batch serialise and multi-batch commands
  cannot deadlock; the same append follows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from lotledger.inventory.adapters.append_statement import (
    BATCH_CHANGED,
    CATALOG_CHANGED,
    Appended,
    BatchChanged,
    CatalogChanged,
    append_statement,
)
from lotledger.inventory.adapters.batch_rows import state_from_row
from lotledger.inventory.adapters.pick_probes import (
    PROBE,
    PickProbe,
    Probed,
    probe_arguments,
    probed,
)
from lotledger.inventory.adapters.store_sql import LOCK, READ, READ_NAMED
from lotledger.inventory.adapters.stored_events import ENVELOPE_COLUMNS, stored_envelope
from lotledger.inventory.domain.batch import BatchState
from lotledger.inventory.domain.timeline import Stamped
from lotledger.shared.contracts.holdings import holding_deltas
from lotledger.shared.contracts.stock import EVENT_TYPES
from lotledger.shared.db import Driver, json_value


class EventStore:
    def __init__(self, conn: Driver) -> None:
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
        ids = sorted(set(batch_ids))
        if not probes:
            rows = await self._conn.fetch(READ_NAMED, ids)
            return [state_from_row(r) for r in rows], probed(probes, [])
        rows = await self._conn.fetch(READ, *probe_arguments(probes), ids)
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
        """One call (append_statement.py): everything the request writes, or nothing and
        `BatchChanged` when a batch it updates is no longer at the version read, or
        `CatalogChanged` when a catalog record its request decided on is no longer at
        the version read."""
        sql, arguments = append_statement(appended)
        answer = await self._conn.fetchval(sql, *arguments)
        if answer == BATCH_CHANGED:
            raise BatchChanged("a batch changed since it was read")
        if answer == CATALOG_CHANGED:
            raise CatalogChanged("a catalog record changed since the request read it")

    async def histories(
        self, batch_ids: Sequence[str], since: datetime
    ) -> dict[str, list[Stamped]]:
        """Each batch's events stamped after `since` (the scan horizon), as what they moved
        (`occurred_at` is each event's `time`, which is its `data.at`)."""
        rows = await self._conn.fetch(
            "SELECT stream_id, version, type, data FROM events "
            "WHERE stream_id = ANY($1::text[]) AND occurred_at > $2 ORDER BY stream_id, version",
            sorted(set(batch_ids)),
            since,
        )
        found: dict[str, list[Stamped]] = {b: [] for b in batch_ids}
        for r in rows:
            event = EVENT_TYPES[r["type"]].model_validate(json_value(r["data"]))
            found[r["stream_id"]].append(
                Stamped(event.at, r["version"], tuple(holding_deltas(event)))
            )
        return found

    async def shipped(self, pairs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """What each (batch, party) was shipped, net of what the party returned, from the
        batch's own picked and returned events (returns are rare; picks add nothing to
        their write for this)."""
        if not pairs:
            return {}
        rows = await self._conn.fetch(
            "SELECT w.b AS batch_id, w.q AS party, COALESCE(sum(CASE WHEN e.type = $3 "
            "THEN (e.data->>'qty')::bigint ELSE -(e.data->>'qty')::bigint END), 0) AS net "
            "FROM unnest($1::text[], $2::text[]) AS w(b, q) LEFT JOIN events e "
            "ON e.stream_id = w.b AND ((e.type = $3 AND e.data->>'ship_to' = w.q) "
            "OR (e.type = $4 AND e.data->>'from' = w.q)) GROUP BY w.b, w.q",
            [b for b, _ in pairs],
            [q for _, q in pairs],
            "lotledger.stock.picked.v1",
            "lotledger.stock.returned.v1",
        )
        return {(r["batch_id"], r["party"]): int(r["net"]) for r in rows}

    async def stream(self, batch_id: str) -> list[dict[str, Any]]:
        """The batch's events as envelope dicts in version order (for reading and verifying)."""
        rows = await self._conn.fetch(
            f"SELECT {ENVELOPE_COLUMNS} FROM events e "  # noqa: S608 (constants only)
            "WHERE e.stream_id = $1 ORDER BY e.version",
            batch_id,
        )
        return [stored_envelope(r) for r in rows]
