"""Alerts as rows. The partial unique index `alerts_one_open_per_key` is the store's own
guard of "one open alert per (type, subject, tier)"; evaluations hold the lock of the
groups they settle (docs/adr/0017), so they never race into it.

Every row keeps its group (`grp`, see `domain.subjects`) so that an evaluation can load
exactly the open alerts of the scope it looked at, and the warehouses it concerns
(`warehouses`, see `domain.warehouses`) so that reads can be scoped by them.
"""

from __future__ import annotations

from collections.abc import Sequence

from lotledger.alerts.domain.alert import Alert, Change, ChangeKind
from lotledger.alerts.domain.conditions import AlertKey, Scope
from lotledger.shared.contracts.alerts import AlertStatus, AlertType, Severity
from lotledger.shared.db import Driver, Row, json_param, json_value

COLUMNS = (
    "alert_id::text AS alert_id, alert_type, subject, tier, severity, status, "
    "details::text AS details, raised_at, changed_at, acknowledged_by, acknowledged_at, "
    "resolved_by, resolved_at, warehouses"
)


def alert_of(row: Row) -> Alert:
    return Alert(
        alert_id=row["alert_id"],
        key=AlertKey(AlertType(row["alert_type"]), row["subject"], row["tier"]),
        severity=Severity(row["severity"]),
        status=AlertStatus(row["status"]),
        raised_at=row["raised_at"],
        changed_at=row["changed_at"],
        details=json_value(row["details"]),
        acknowledged_by=row["acknowledged_by"],
        acknowledged_at=row["acknowledged_at"],
        resolved_by=row["resolved_by"],
        resolved_at=row["resolved_at"],
        warehouses=tuple(row["warehouses"]),
    )


_OPEN_OF_TYPES = (
    f"SELECT {COLUMNS} FROM alerts WHERE status <> 'resolved' "  # noqa: S608
    "AND alert_type = ANY($1::text[])"
)
_OPEN_IN_GROUPS = (
    f"SELECT {COLUMNS} FROM alerts JOIN unnest($1::text[], $2::text[]) AS g(t, grp) "  # noqa: S608
    "ON alerts.alert_type = g.t AND alerts.grp = g.grp WHERE status <> 'resolved'"
)
"""Open alerts of whole types, and of (type, group) pairs through the open-by-group index
(one OR-ed query would scan every open alert)."""


_INSERT_RAISED = (
    "INSERT INTO alerts (alert_id, alert_type, subject, tier, grp, severity, status, details, "
    "gtin, warehouse, location, raised_at, changed_at, warehouses) "
    "SELECT i, t, s, tr, g, sv, st, d::jsonb, gt, wh, l, ra, ca, "
    "ARRAY(SELECT jsonb_array_elements_text(w::jsonb)) FROM unnest($1::uuid[], $2::text[], "
    "$3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], "
    "$10::text[], $11::text[], $12::timestamptz[], $13::timestamptz[], $14::text[]) "
    "WITH ORDINALITY AS u(i, t, s, tr, g, sv, st, d, gt, wh, l, ra, ca, w, n) ORDER BY n "
    "ON CONFLICT (alert_id) DO NOTHING RETURNING alert_id"
)
_UPDATE = (
    "UPDATE alerts a SET severity = u.sv, status = u.st, details = u.d::jsonb, "
    "changed_at = u.ca, acknowledged_by = u.ab, acknowledged_at = u.aa, resolved_by = u.rb, "
    "resolved_at = u.ra, warehouses = ARRAY(SELECT jsonb_array_elements_text(u.w::jsonb)) "
    "FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], "
    "$6::text[], $7::timestamptz[], $8::text[], $9::timestamptz[], $10::text[]) "
    "AS u(i, sv, st, d, ca, ab, aa, rb, ra, w) WHERE a.alert_id = u.i"
)


def _raised_row(a: Alert) -> tuple[object, ...]:
    """`_INSERT_RAISED`'s columns of one alert."""
    return (
        a.alert_id,
        a.key.alert_type.value,
        a.key.subject,
        a.key.tier,
        a.key.group,
        a.severity.value,
        a.status.value,
        json_param(dict(a.details)),
        a.place.gtin,
        a.place.warehouse,
        a.place.location,
        a.raised_at,
        a.changed_at,
        json_param(list(a.warehouses)),
    )


def _changed_row(a: Alert) -> tuple[object, ...]:
    """`_UPDATE`'s columns of one alert."""
    return (
        a.alert_id,
        a.severity.value,
        a.status.value,
        json_param(dict(a.details)),
        a.changed_at,
        a.acknowledged_by,
        a.acknowledged_at,
        a.resolved_by,
        a.resolved_at,
        json_param(list(a.warehouses)),
    )


def _columns(rows: Sequence[tuple[object, ...]]) -> list[list[object]]:
    """Rows as the columns an `unnest` statement takes."""
    return [list(column) for column in zip(*rows, strict=True)]


class AlertStore:
    def __init__(self, conn: Driver) -> None:
        self._conn = conn

    async def open_in(self, scope: Scope) -> list[Alert]:
        if not scope.groups and not scope.whole:
            return []
        whole = sorted(t.value for t in scope.whole)
        pairs = sorted((t.value, g) for t, g in scope.groups if t not in scope.whole)
        rows: list[Row] = []
        if whole:
            rows += await self._conn.fetch(_OPEN_OF_TYPES, whole)
        if pairs:
            rows += await self._conn.fetch(
                _OPEN_IN_GROUPS, [t for t, _ in pairs], [g for _, g in pairs]
            )
        return [alert_of(r) for r in rows]

    async def open_groups(self, types: frozenset[AlertType]) -> list[tuple[AlertType, str]]:
        """(type, group) of every open alert of `types` (a sweep re-examines them)."""
        rows = await self._conn.fetch(
            "SELECT DISTINCT alert_type, grp FROM alerts WHERE status <> 'resolved' "
            "AND alert_type = ANY($1::text[]) ORDER BY 1, 2",
            sorted(t.value for t in types),
        )
        return [(AlertType(r["alert_type"]), r["grp"]) for r in rows]

    async def get(self, alert_id: str, *, for_update: bool = False) -> Alert | None:
        lock = " FOR UPDATE" if for_update else ""
        row = await self._conn.fetchrow(
            f"SELECT {COLUMNS} FROM alerts WHERE alert_id = $1::uuid{lock}",  # noqa: S608
            alert_id,
        )
        return alert_of(row) if row else None

    async def save(self, changes: Sequence[Change]) -> list[bool]:
        """Write each alert as its changes leave it, in order: raises in one statement,
        then the latest state of each changed alert in another. A raise whose id is
        already stored (an event-triggered raise seen before) writes nothing and is
        answered False."""
        raises = [_raised_row(c.alert) for c in changes if c.kind is ChangeKind.RAISED]
        inserted: set[str] = set()
        if raises:
            rows = await self._conn.fetch(_INSERT_RAISED, *_columns(raises))
            inserted = {str(r["alert_id"]) for r in rows}
        latest = {c.alert.alert_id: c.alert for c in changes if c.kind is not ChangeKind.RAISED}
        if latest:
            await self._conn.execute(_UPDATE, *_columns([_changed_row(a) for a in latest.values()]))
        saved = []
        for change in changes:
            if change.kind is ChangeKind.RAISED:
                saved.append(change.alert.alert_id in inserted)
                inserted.discard(change.alert.alert_id)
            else:
                saved.append(True)
        return saved

    async def restore(self, alert: Alert) -> None:
        """Write the alert as a published change left it, whatever was stored (a rebuild
        replaying `lotledger.alerts.v1`, each alert's changes in order)."""
        place = alert.place
        await self._conn.execute(
            "INSERT INTO alerts (alert_id, alert_type, subject, tier, grp, severity, status, "
            "details, gtin, warehouse, location, raised_at, changed_at, acknowledged_by, "
            "acknowledged_at, resolved_by, resolved_at, warehouses) VALUES ($1::uuid, $2, $3, "
            "$4, $5, $6, $7, $8::text::jsonb, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) "
            "ON CONFLICT (alert_id) DO UPDATE SET severity = EXCLUDED.severity, "
            "status = EXCLUDED.status, details = EXCLUDED.details, "
            "changed_at = EXCLUDED.changed_at, acknowledged_by = EXCLUDED.acknowledged_by, "
            "acknowledged_at = EXCLUDED.acknowledged_at, resolved_by = EXCLUDED.resolved_by, "
            "resolved_at = EXCLUDED.resolved_at, warehouses = EXCLUDED.warehouses",
            alert.alert_id,
            alert.key.alert_type.value,
            alert.key.subject,
            alert.key.tier,
            alert.key.group,
            alert.severity.value,
            alert.status.value,
            json_param(dict(alert.details)),
            place.gtin,
            place.warehouse,
            place.location,
            alert.raised_at,
            alert.changed_at,
            alert.acknowledged_by,
            alert.acknowledged_at,
            alert.resolved_by,
            alert.resolved_at,
            list(alert.warehouses),
        )
