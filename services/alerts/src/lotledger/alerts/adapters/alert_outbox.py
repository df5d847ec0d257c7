"""The alert-event outbox: lifecycle CloudEvents written in the transaction that changed
the alert (shared outbox shape, `lotledger.shared.outbox`), published to
`lotledger.alerts.v1` with the alert id as key by the shared relay."""

from __future__ import annotations

from collections.abc import Sequence

from lotledger.shared.db import Driver
from lotledger.shared.envelope import CloudEvent


class AlertOutbox:
    def __init__(self, conn: Driver) -> None:
        self._conn = conn

    async def append(self, events: Sequence[tuple[CloudEvent, str, str | None]]) -> None:
        """Each (event, key, traceparent) in order, in one statement. The rows' topic stays
        empty: the publisher sends them to `lotledger.alerts.v1`."""
        if not events:
            return
        await self._conn.execute(
            "INSERT INTO outbox (event_id, key, payload, traceparent) SELECT i, k, p, t "
            "FROM unnest($1::uuid[], $2::text[], $3::bytea[], $4::text[]) WITH ORDINALITY "
            "AS u(i, k, p, t, n) ORDER BY n",
            [event.id for event, _, _ in events],
            [key for _, key, _ in events],
            [event.to_json() for event, _, _ in events],
            [traceparent for _, _, traceparent in events],
        )
