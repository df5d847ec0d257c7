"""The alert-event outbox: lifecycle CloudEvents written in the transaction that changed
the alert (shared outbox shape, `lotledger.shared.outbox`), published to
`lotledger.alerts.v1` with the alert id as key by the shared relay."""

from __future__ import annotations

from lotledger.shared.db import Driver
from lotledger.shared.envelope import CloudEvent


class AlertOutbox:
    def __init__(self, conn: Driver) -> None:
        self._conn = conn

    async def append(self, event: CloudEvent, key: str, traceparent: str | None = None) -> None:
        """The row's topic stays empty: the publisher sends it to `lotledger.alerts.v1`."""
        await self._conn.execute(
            "INSERT INTO outbox (event_id, key, payload, traceparent) VALUES ($1, $2, $3, $4)",
            event.id,
            key,
            event.to_json(),
            traceparent,
        )
