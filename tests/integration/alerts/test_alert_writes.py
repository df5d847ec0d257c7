"""Alert changes written together: raises in one statement and the latest state of each
changed alert in another, answered per change in order; and their events queued in the
order given. On the real alerts schema, rolled back at the end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import asyncpg

from lotledger.alerts.adapters.alert_outbox import AlertOutbox
from lotledger.alerts.adapters.alert_store import AlertStore
from lotledger.alerts.domain import lifecycle
from lotledger.alerts.domain.alert import Change
from lotledger.alerts.domain.conditions import AlertKey, Condition
from lotledger.shared.contracts.alerts import AlertType, Severity
from lotledger.shared.envelope import CloudEvent

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def _raised(subject: str, warehouse: str) -> Change:
    key = AlertKey(AlertType.FEFO_DEVIATION, subject)
    condition = Condition(key, Severity.WARNING, {"location": f"{warehouse}/A/01", "qty": 3})
    (change,) = lifecycle.raise_on_event([], condition, subject, NOW)
    return change


async def test_changes_saved_together_answer_each_in_order(
    alerts_conn: asyncpg.Connection,
) -> None:
    store = AlertStore(alerts_conn)
    first, second = _raised(str(uuid4()), "WH1"), _raised(str(uuid4()), "WH2")
    acked = lifecycle.acknowledge(first.alert, "qa-1", NOW + timedelta(minutes=5))

    assert await store.save([first, second, acked, first]) == [True, True, True, False]
    assert await store.save([second]) == [False]
    rows = await alerts_conn.fetch(
        "SELECT alert_id::text, status, acknowledged_by, warehouses, details->>'qty' AS qty "
        "FROM alerts WHERE alert_id = ANY($1::uuid[]) ORDER BY warehouses",
        [first.alert.alert_id, second.alert.alert_id],
    )
    assert [tuple(r) for r in rows] == [
        (first.alert.alert_id, "acknowledged", "qa-1", ["WH1"], "3"),
        (second.alert.alert_id, "raised", None, ["WH2"], "3"),
    ]


async def test_events_are_queued_in_the_order_given(alerts_conn: asyncpg.Connection) -> None:
    events = [
        CloudEvent(id=uuid4(), source="/alerts", type="t", subject=str(i), time=NOW, data={})
        for i in range(5)
    ]
    await AlertOutbox(alerts_conn).append([(e, e.subject or "", None) for e in events])
    rows = await alerts_conn.fetch(
        "SELECT event_id FROM outbox WHERE event_id = ANY($1::uuid[]) ORDER BY id",
        [e.id for e in events],
    )
    assert [r["event_id"] for r in rows] == [e.id for e in events]
