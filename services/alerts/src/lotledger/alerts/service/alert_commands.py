"""People acting on alerts: acknowledge ("seen, on it") and resolve. Each change is
recorded like any other (alert row, Kafka outbox, webhook deliveries) under the lock of
the alert's group (its key never changes, so it is read before the lock is taken), so it
never interleaves with a rule evaluation of the same alert.

Scoping (`domain.visibility`): an alert the caller does not see is unknown to it (404),
one it sees without covering every warehouse of it is refused (403)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from lotledger.alerts.adapters.unit_of_work import Stores
from lotledger.alerts.domain import lifecycle, lock_keys
from lotledger.alerts.domain.alert import Alert, Change
from lotledger.alerts.domain.errors import UnknownAlert
from lotledger.alerts.domain.visibility import Viewer
from lotledger.alerts.service.recording import Cause, record
from lotledger.shared.auth import Forbidden, Principal

Transition = Callable[[Alert, str, datetime], Change]


def viewer_of(who: Principal) -> Viewer:
    return Viewer(None if who.all_warehouses else frozenset(who.warehouses))


async def _act(
    stores: Stores, alert_id: str, who: Principal, now: datetime, cause: Cause, step: Transition
) -> Alert:
    seen = await stores.alerts.get(alert_id)
    if seen is not None:
        await stores.lock_subjects([lock_keys.of_key(seen.key)])
    alert = await stores.alerts.get(alert_id, for_update=True)
    viewer = viewer_of(who)
    if alert is None or not viewer.sees(alert):
        raise UnknownAlert(f"no alert {alert_id}", alert_id=alert_id)
    if not viewer.acts_on(alert):
        raise Forbidden(
            "acting on this alert needs a token for every warehouse it concerns: "
            + ", ".join(alert.warehouses)
        )
    change = step(alert, who.sub, now)
    await record(stores, [change], cause)
    return change.alert


async def acknowledge(
    stores: Stores, alert_id: str, who: Principal, now: datetime, cause: Cause
) -> Alert:
    return await _act(stores, alert_id, who, now, cause, lifecycle.acknowledge)


async def resolve(
    stores: Stores, alert_id: str, who: Principal, now: datetime, cause: Cause
) -> Alert:
    return await _act(stores, alert_id, who, now, cause, lifecycle.resolve)
