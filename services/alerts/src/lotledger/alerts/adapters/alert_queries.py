"""Reading alerts for the API: filters, warehouse visibility and keyset pagination
(newest raised first; the cursor is the last row's raise time and id)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lotledger.alerts.adapters.alert_store import COLUMNS, alert_of
from lotledger.alerts.domain.alert import Alert
from lotledger.shared.contracts.alerts import AlertStatus, AlertType, Severity
from lotledger.shared.db import Driver


@dataclass(frozen=True)
class AlertFilter:
    """Empty collections and None filter nothing. `warehouse`: alerts concerning it.
    `visible` None: every alert; otherwise alerts concerning at least one of those
    warehouses (`domain.visibility`)."""

    statuses: frozenset[AlertStatus] = frozenset()
    types: frozenset[AlertType] = frozenset()
    severities: frozenset[Severity] = frozenset()
    gtin: str | None = None
    location: str | None = None
    warehouse: str | None = None
    visible: frozenset[str] | None = None


Cursor = tuple[datetime, str]


class AlertQueries:
    def __init__(self, conn: Driver) -> None:
        self._conn = conn

    async def page(self, where: AlertFilter, limit: int, after: Cursor | None) -> list[Alert]:
        rows = await self._conn.fetch(
            f"SELECT {COLUMNS} FROM alerts WHERE "  # noqa: S608
            "(cardinality($1::text[]) = 0 OR status = ANY($1)) "
            "AND (cardinality($2::text[]) = 0 OR alert_type = ANY($2)) "
            "AND (cardinality($3::text[]) = 0 OR severity = ANY($3)) "
            "AND ($4::text IS NULL OR gtin = $4) "
            "AND ($5::text IS NULL OR location = $5 OR details -> 'locations' ? $5) "
            "AND ($6::text IS NULL OR warehouses @> ARRAY[$6::text]) "
            "AND ($7::text[] IS NULL OR warehouses && $7::text[]) "
            "AND ($8::timestamptz IS NULL OR (raised_at, alert_id) < ($8, $9::uuid)) "
            "ORDER BY raised_at DESC, alert_id DESC LIMIT $10",
            sorted(s.value for s in where.statuses),
            sorted(t.value for t in where.types),
            sorted(s.value for s in where.severities),
            where.gtin,
            where.location,
            where.warehouse,
            None if where.visible is None else sorted(where.visible),
            after[0] if after else None,
            after[1] if after else None,
            limit,
        )
        return [alert_of(r) for r in rows]

    async def get(self, alert_id: str) -> Alert | None:
        row = await self._conn.fetchrow(
            f"SELECT {COLUMNS} FROM alerts WHERE alert_id = $1::uuid",  # noqa: S608
            alert_id,
        )
        return alert_of(row) if row else None
