"""Sync conflicts and their resolutions as stored (migration 0008_holdings): both tables
are append-only; a conflict is resolved once, when its resolution row exists. Runs on an
asyncpg connection, inside the caller's transaction when it has one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from lotledger.shared.db import Driver, Row, json_value

_SELECT = (
    "SELECT c.conflict_id, c.principal, c.client_op_id, c.op, c.operation, c.problem, "
    "c.warehouses, c.gtin, c.lot, c.device, c.scanned_at, c.recorded_at, r.resolution, "
    "r.reason, r.resolved_by, r.resolved_at, r.events "
    "FROM sync_conflicts c LEFT JOIN sync_resolutions r ON r.conflict_id = c.conflict_id "
)


@dataclass(frozen=True)
class StoredConflict:
    conflict_id: UUID
    principal: str
    client_op_id: str
    op: str
    operation: dict[str, Any]
    problem: dict[str, Any]
    warehouses: list[str]
    gtin: str | None
    lot: str | None
    device: str | None
    scanned_at: datetime | None
    recorded_at: datetime
    resolution: str | None
    reason: str | None
    resolved_by: str | None
    resolved_at: datetime | None
    events: list[UUID]

    @property
    def open(self) -> bool:
        return self.resolution is None


def _conflict(row: Row) -> StoredConflict:
    values = dict(row)
    values["operation"] = json_value(values["operation"])
    values["problem"] = json_value(values["problem"])
    values["warehouses"] = list(values["warehouses"])
    values["events"] = list(values["events"] or [])
    return StoredConflict(**values)


class SyncStore:
    def __init__(self, conn: Driver) -> None:
        self._conn = conn

    async def conflict(self, conflict_id: UUID) -> StoredConflict | None:
        row = await self._conn.fetchrow(_SELECT + "WHERE c.conflict_id = $1", conflict_id)
        return None if row is None else _conflict(row)

    async def conflicts(
        self, open_only: bool, warehouses: Sequence[str] | None, limit: int, offset: int
    ) -> list[StoredConflict]:
        """Newest first; `warehouses` None means every warehouse."""
        rows = await self._conn.fetch(
            _SELECT + "WHERE ($1::bool IS FALSE OR r.conflict_id IS NULL) "
            "AND ($2::text[] IS NULL OR c.warehouses && $2::text[]) "
            "ORDER BY c.recorded_at DESC, c.conflict_id LIMIT $3 OFFSET $4",
            open_only,
            None if warehouses is None else list(warehouses),
            limit,
            offset,
        )
        return [_conflict(r) for r in rows]

    async def resolve(
        self,
        conflict_id: UUID,
        resolution: str,
        reason: str,
        by: str,
        at: datetime,
        events: Sequence[UUID],
        outbox: tuple[str, UUID, bytes],
    ) -> bool:
        """Record the resolution and its event for the outbox (topic, event id, payload);
        False when the conflict was resolved already (nothing is written)."""
        topic, event_id, payload = outbox
        written = await self._conn.fetchval(
            "WITH r AS (INSERT INTO sync_resolutions (conflict_id, resolution, reason, "
            "resolved_by, resolved_at, events) VALUES ($1, $2, $3, $4, $5, $6::uuid[]) "
            "ON CONFLICT (conflict_id) DO NOTHING RETURNING conflict_id), "
            "o AS (INSERT INTO outbox (topic, key, event_id, payload) "
            "SELECT $7, conflict_id::text, $8, $9 FROM r RETURNING 1) "
            "SELECT count(*) FROM o",
            conflict_id,
            resolution,
            reason,
            by,
            at,
            list(events),
            topic,
            event_id,
            payload,
        )
        return bool(written)
