"""Recording lifecycle changes: the alert row, its CloudEvent in the alert outbox and one
webhook delivery per interested subscription, all in the caller's transaction. Nothing is
sent from here; the publisher and the deliverer read what this wrote (no dual write).

Every change is written under the lock of its alert's group (docs/adr/0017): a change the
transaction holds no lock for is refused before anything is written.

A webhook_failing alert is never delivered to the subscription it is about: that receiver
is the one not answering.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from uuid import uuid4

from prometheus_client import Counter

from lotledger.alerts.adapters.unit_of_work import Stores
from lotledger.alerts.domain import lock_keys
from lotledger.alerts.domain.alert import Change
from lotledger.shared.contracts.alerts import AlertType
from lotledger.shared.envelope import CloudEvent
from lotledger.shared.traced_messages import caused_by

CHANGES = Counter(
    "lotledger_alerts_changes_total", "Alert lifecycle changes recorded", ["type", "change"]
)


@dataclass(frozen=True)
class Cause:
    """What led to the changes: the consumed event or request (`causation_id`) and the
    correlation id it carried."""

    causation_id: str | None = None
    correlation_id: str | None = None


def alert_event(change: Change, cause: Cause) -> CloudEvent:
    payload = change.payload()
    where = f"/alerts/{payload.warehouse}" if payload.warehouse else "/alerts"
    return CloudEvent(
        id=uuid4(),
        source=where,
        type=change.event_type,
        subject=change.alert.alert_id,
        time=change.alert.changed_at,
        data=payload.as_data(),
        actor=change.by,
        correlationid=cause.correlation_id,
        causationid=cause.causation_id,
    )


async def record(stores: Stores, changes: Iterable[Change], cause: Cause) -> list[Change]:
    """Write `changes` in order; returns those written (a raise whose derived id is
    already stored is skipped, with no event and no delivery)."""
    return await record_each(stores, [(change, cause) for change in changes])


async def record_each(stores: Stores, caused: Sequence[tuple[Change, Cause]]) -> list[Change]:
    """`record` each change with its own cause: the alerts in two statements and their
    events in one, whatever their number."""
    unlocked = {lock_keys.of_key(c.alert.key) for c, _ in caused} - stores.held
    if unlocked:
        raise RuntimeError(f"alert changes without their subject locks: {sorted(unlocked)}")
    saved = await stores.alerts.save([change for change, _ in caused])
    written: list[Change] = []
    events: list[tuple[CloudEvent, str, str | None]] = []
    for (change, cause), kept in zip(caused, saved, strict=True):
        if not kept:
            continue
        alert = change.alert
        event = alert_event(change, cause)
        exclude = alert.key.subject if alert.key.alert_type is AlertType.WEBHOOK_FAILING else None
        with caused_by(cause.causation_id, f"alert {change.kind.value}", _about(change)) as trace:
            events.append((event, alert.alert_id, trace))
            await stores.deliveries.enqueue(
                event, alert.key.alert_type, alert.alert_id, exclude, traceparent=trace
            )
        CHANGES.labels(alert.key.alert_type.value, change.kind.value).inc()
        written.append(change)
    await stores.outbox.append(events)
    return written


def _about(change: Change) -> dict[str, str]:
    return {
        "lotledger.alert.id": change.alert.alert_id,
        "lotledger.alert.type": change.alert.key.alert_type.value,
        "lotledger.alert.subject": change.alert.key.subject,
    }
