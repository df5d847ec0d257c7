"""An alert as the lifecycle sees it, and one step of its lifecycle as published on
`lotledger.alerts.v1` (key = alert id).

Alert ids: an event-triggered raise derives its id (uuid5 over type, subject, tier and
the triggering event's id), so a redelivered event derives the same id and the store's
key refuses a second alert. A condition-triggered raise takes a fresh id from an
injectable factory (uuid4 by default): the same key may be raised again at the very
same instant after a person resolved it (a frozen test clock does exactly that), so no
function of key and instant could serve.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from lotledger.alerts.domain.conditions import AlertKey
from lotledger.alerts.domain.subjects import warehouse_in
from lotledger.shared.contracts import alerts as contract
from lotledger.shared.contracts.alerts import AlertChanged, AlertStatus, Severity

NAMESPACE = uuid.UUID("6f4c5d0e-8d5b-5b0a-9a43-2f1f8f5a7c11")


@dataclass(frozen=True)
class Alert:
    """`resolved_by` is None on an alert the rules resolved. `warehouses` are those the
    alert concerns (`warehouses.concerned`), sorted; empty for a system-wide alert."""

    alert_id: str
    key: AlertKey
    severity: Severity
    status: AlertStatus
    raised_at: datetime
    changed_at: datetime
    details: Mapping[str, Any]
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None
    resolved_by: str | None = None
    resolved_at: datetime | None = None
    warehouses: tuple[str, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.status is not AlertStatus.RESOLVED

    @property
    def place(self) -> Place:
        """Where the alert is, for filtering: from the details the rules wrote, the
        warehouse falling back to the one a per-warehouse subject names. Scoping follows
        `warehouses`, not this."""
        gtin, warehouse, location = (
            self.details.get(name) for name in ("gtin", "warehouse", "location")
        )
        return Place(
            gtin if isinstance(gtin, str) else None,
            warehouse
            if isinstance(warehouse, str)
            else warehouse_in(self.key.alert_type, self.key.subject),
            location if isinstance(location, str) else None,
        )


@dataclass(frozen=True)
class Place:
    """An alert's product, warehouse and location; None where the alert has none (a recall
    has no single warehouse, a failing webhook none)."""

    gtin: str | None
    warehouse: str | None
    location: str | None


class ChangeKind(StrEnum):
    RAISED = "raised"
    UPDATED = "updated"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


EVENT_TYPES: Mapping[ChangeKind, str] = {
    ChangeKind.RAISED: contract.RAISED,
    ChangeKind.UPDATED: contract.UPDATED,
    ChangeKind.ACKNOWLEDGED: contract.ACKNOWLEDGED,
    ChangeKind.RESOLVED: contract.RESOLVED,
}


@dataclass(frozen=True)
class Change:
    """One lifecycle step; `alert` is the alert after it, `by` the person (None: the rules)."""

    kind: ChangeKind
    alert: Alert
    by: str | None = None

    @property
    def event_type(self) -> str:
        return EVENT_TYPES[self.kind]

    def payload(self) -> AlertChanged:
        alert = self.alert
        place = alert.place
        return AlertChanged(
            alert_id=alert.alert_id,
            alert_type=alert.key.alert_type,
            subject=alert.key.subject,
            tier=alert.key.tier,
            severity=alert.severity,
            status=alert.status,
            raised_at=alert.raised_at,
            changed_at=alert.changed_at,
            by=self.by,
            acknowledged_by=alert.acknowledged_by,
            acknowledged_at=alert.acknowledged_at,
            resolved_by=alert.resolved_by,
            resolved_at=alert.resolved_at,
            gtin=place.gtin,
            warehouse=place.warehouse,
            location=place.location,
            warehouses=list(alert.warehouses),
            details=dict(alert.details),
        )


def alert_of(changed: AlertChanged) -> Alert:
    """The alert a published change describes."""
    return Alert(
        alert_id=changed.alert_id,
        key=AlertKey(changed.alert_type, changed.subject, changed.tier),
        severity=changed.severity,
        status=changed.status,
        raised_at=changed.raised_at,
        changed_at=changed.changed_at,
        details=dict(changed.details),
        acknowledged_by=changed.acknowledged_by,
        acknowledged_at=changed.acknowledged_at,
        resolved_by=changed.resolved_by,
        resolved_at=changed.resolved_at,
        warehouses=tuple(changed.warehouses),
    )


NewId = Callable[[], str]


def fresh_id() -> str:
    return str(uuid.uuid4())


def event_alert_id(key: AlertKey, event_id: str) -> str:
    name = "\x1f".join((key.alert_type.value, key.subject, key.tier, event_id))
    return str(uuid.uuid5(NAMESPACE, name))
