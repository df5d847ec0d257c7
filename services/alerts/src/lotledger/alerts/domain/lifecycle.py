"""Alert lifecycle: raised → acknowledged → resolved (DESIGN §9).

Invariants:
- at most one open (raised or acknowledged) alert per `AlertKey`;
- `reconcile` only changes open alerts inside the evaluation's scope;
- idempotence: once its changes are applied, reconciling the same conditions again, at
  the same or any later instant, changes nothing;
- a resolved alert never changes again; if its condition holds later, a new alert is
  raised (so a person resolving an alert whose condition still holds sees it re-raised
  at the next evaluation; acknowledging is how to say "seen, on it").

Per-type policies (`POLICIES`): recall alerts resolve by themselves only once a person
has acknowledged them (QA confirms the consignees were told) and no recalled stock is
left on hand; fefo_deviation alerts are raised by events only and resolved by people
only; sync_conflict alerts are raised by the conflict's record and resolved when a
supervisor resolves the conflict; suspect_product alerts are raised by the suspect
return's record and resolved by QA. Every other type is raised and resolved by its
condition, except where a tier has its own policy (`TIER_POLICIES`): an excursion found
late (tier "late") is raised by the event that reveals it and resolved by the person who
assessed it.

Alert ids: see `alert`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum

from lotledger.alerts.domain import errors as e
from lotledger.alerts.domain.alert import Alert, Change, ChangeKind, NewId, event_alert_id, fresh_id
from lotledger.alerts.domain.conditions import AlertKey, Condition, Scope
from lotledger.alerts.domain.warehouses import concerned
from lotledger.shared.contracts.alerts import AlertStatus, AlertType


class AutoResolve(StrEnum):
    ALWAYS = "always"
    AFTER_ACK = "after_ack"
    NEVER = "never"


@dataclass(frozen=True)
class Policy:
    """How a type's alerts come and go: whether a holding condition raises one (otherwise
    only an event does), and when an alert whose condition cleared resolves by itself."""

    raised_by_condition: bool = True
    auto_resolve: AutoResolve = AutoResolve.ALWAYS


POLICIES: Mapping[AlertType, Policy] = {alert_type: Policy() for alert_type in AlertType} | {
    AlertType.RECALL: Policy(auto_resolve=AutoResolve.AFTER_ACK),
    AlertType.FEFO_DEVIATION: Policy(raised_by_condition=False, auto_resolve=AutoResolve.NEVER),
    AlertType.SYNC_CONFLICT: Policy(raised_by_condition=False),
    AlertType.SUSPECT_PRODUCT: Policy(raised_by_condition=False, auto_resolve=AutoResolve.NEVER),
}
BY_PEOPLE = Policy(raised_by_condition=False, auto_resolve=AutoResolve.NEVER)
TIER_POLICIES: Mapping[tuple[AlertType, str], Policy] = {
    (AlertType.TEMPERATURE_EXCURSION, "late"): BY_PEOPLE,
    (AlertType.HUMIDITY_EXCURSION, "late"): BY_PEOPLE,
}


def policy_of(key: AlertKey) -> Policy:
    return TIER_POLICIES.get((key.alert_type, key.tier), POLICIES[key.alert_type])


def _utc(now: datetime) -> datetime:
    if now.tzinfo is None:
        raise ValueError("the lifecycle needs aware datetimes")
    return now.astimezone(UTC)


def _open_by_key(alerts: Iterable[Alert]) -> dict[AlertKey, Alert]:
    by_key: dict[AlertKey, Alert] = {}
    for alert in alerts:
        if not alert.is_open:
            continue
        if alert.key in by_key:
            raise e.DuplicateOpenAlert(f"two open alerts for {alert.key}", key=str(alert.key))
        by_key[alert.key] = alert
    return by_key


def _holding_by_key(conditions: Iterable[Condition], scope: Scope) -> dict[AlertKey, Condition]:
    by_key: dict[AlertKey, Condition] = {}
    for condition in conditions:
        if not scope.covers(condition.key):
            raise e.ConditionOutsideScope(f"{condition.key} lies outside the evaluated scope")
        if condition.key in by_key:
            raise e.DuplicateCondition(f"two conditions for {condition.key}")
        by_key[condition.key] = condition
    return by_key


def _raise(condition: Condition, now: datetime, new_alert_id: str) -> Change:
    alert = Alert(
        new_alert_id,
        condition.key,
        condition.severity,
        AlertStatus.RAISED,
        raised_at=now,
        changed_at=now,
        details=condition.details,
        warehouses=concerned(condition.key, condition.details),
    )
    return Change(ChangeKind.RAISED, alert)


def _refresh(alert: Alert, condition: Condition, now: datetime) -> list[Change]:
    warehouses = concerned(condition.key, condition.details)
    if (alert.severity, alert.details, alert.warehouses) == (
        condition.severity,
        condition.details,
        warehouses,
    ):
        return []
    updated = replace(
        alert,
        severity=condition.severity,
        details=condition.details,
        warehouses=warehouses,
        changed_at=now,
    )
    return [Change(ChangeKind.UPDATED, updated)]


def _resolves_by_itself(alert: Alert) -> bool:
    match policy_of(alert.key).auto_resolve:
        case AutoResolve.ALWAYS:
            return True
        case AutoResolve.AFTER_ACK:
            return alert.status is AlertStatus.ACKNOWLEDGED
    return False


def reconcile(
    open_alerts: Iterable[Alert],
    conditions: Iterable[Condition],
    scope: Scope,
    now: datetime,
    new_id: NewId = fresh_id,
) -> list[Change]:
    """The changes that bring the open alerts in line with the conditions holding within
    `scope` at `now`: resolutions first (so no consumer ever sees two open alerts where a
    tier moved on), then raises and updates, each in key order."""
    now = _utc(now)
    opened = _open_by_key(open_alerts)
    holding = _holding_by_key(conditions, scope)
    changes = [
        _resolved(alert, None, now)
        for key, alert in sorted(opened.items())
        if key not in holding and scope.covers(key) and _resolves_by_itself(alert)
    ]
    for key, condition in sorted(holding.items()):
        if key in opened:
            changes += _refresh(opened[key], condition, now)
        elif policy_of(key).raised_by_condition:
            changes.append(_raise(condition, now, new_id()))
    return changes


def raise_on_event(
    open_alerts: Iterable[Alert],
    condition: Condition,
    cause_id: str,
    now: datetime,
) -> list[Change]:
    """Raise `condition`'s alert because of the event `cause_id` (its id derives from it),
    or refresh the open alert of its key: an event never duplicates an open alert."""
    now = _utc(now)
    opened = _open_by_key(open_alerts)
    if condition.key in opened:
        return _refresh(opened[condition.key], condition, now)
    return [_raise(condition, now, event_alert_id(condition.key, cause_id))]


def _actor(actor: str) -> str:
    if not actor.strip():
        raise e.ActorRequired("name the person acting on the alert", field="actor")
    return actor


def acknowledge(alert: Alert, actor: str, now: datetime) -> Change:
    now = _utc(now)
    if alert.status is AlertStatus.RESOLVED:
        raise e.AlertAlreadyResolved(f"alert {alert.alert_id} is resolved", alert_id=alert.alert_id)
    if alert.status is AlertStatus.ACKNOWLEDGED:
        raise e.AlertAlreadyAcknowledged(
            f"alert {alert.alert_id} was acknowledged by {alert.acknowledged_by}",
            alert_id=alert.alert_id,
        )
    by = _actor(actor)
    acked = replace(
        alert,
        status=AlertStatus.ACKNOWLEDGED,
        acknowledged_by=by,
        acknowledged_at=now,
        changed_at=now,
    )
    return Change(ChangeKind.ACKNOWLEDGED, acked, by)


def resolve(alert: Alert, actor: str, now: datetime) -> Change:
    now = _utc(now)
    if alert.status is AlertStatus.RESOLVED:
        raise e.AlertAlreadyResolved(f"alert {alert.alert_id} is resolved", alert_id=alert.alert_id)
    return _resolved(alert, _actor(actor), now)


def _resolved(alert: Alert, by: str | None, now: datetime) -> Change:
    done = replace(
        alert, status=AlertStatus.RESOLVED, resolved_by=by, resolved_at=now, changed_at=now
    )
    return Change(ChangeKind.RESOLVED, done, by)


def apply(alerts: Iterable[Alert], changes: Iterable[Change]) -> list[Alert]:
    """`alerts` with `changes` applied in order, matched by alert id (new ids append)."""
    by_id = {alert.alert_id: alert for alert in alerts}
    for change in changes:
        by_id[change.alert.alert_id] = change.alert
    return list(by_id.values())
