"""People acting on alerts: acknowledge ("seen, on it") and resolve. Each change is
recorded like any other (alert row, Kafka outbox, webhook deliveries) under the
`evaluate` lock, so it never interleaves with a rule evaluation of the same alert."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from lotledger.alerts.adapters.unit_of_work import Stores
from lotledger.alerts.domain import lifecycle
from lotledger.alerts.domain.alert import Alert, Change
from lotledger.alerts.domain.errors import UnknownAlert
from lotledger.alerts.service.recording import Cause, record
from lotledger.shared.auth import Principal

Transition = Callable[[Alert, str, datetime], Change]


async def _act(
    stores: Stores, alert_id: str, who: Principal, now: datetime, cause: Cause, step: Transition
) -> Alert:
    await stores.lock_evaluation()
    alert = await stores.alerts.get(alert_id, for_update=True)
    if alert is None:
        raise UnknownAlert(f"no alert {alert_id}", alert_id=alert_id)
    warehouse = alert.place.warehouse
    if warehouse is not None:
        who.require_warehouse(warehouse)
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
