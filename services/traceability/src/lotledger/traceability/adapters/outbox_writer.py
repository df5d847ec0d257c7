"""Events to publish, written to the outbox in the projection's transaction (no dual
write); the projector process's relay sends them (`lotledger.shared.relay`)."""

from __future__ import annotations

from collections.abc import Sequence

from lotledger.shared.db import Driver
from lotledger.shared.envelope import CloudEvent


class OutboxWriter:
    def __init__(self, conn: Driver, topic: str) -> None:
        self._conn = conn
        self._topic = topic

    async def add(self, events: Sequence[tuple[str, CloudEvent]]) -> None:
        """Queue `(key, event)` pairs, in order."""
        if not events:
            return
        await self._conn.execute(
            "INSERT INTO outbox (topic, key, event_id, payload) "
            "SELECT $1, k, i, p FROM unnest($2::text[], $3::uuid[], $4::bytea[]) "
            "WITH ORDINALITY AS u(k, i, p, n) ORDER BY n",
            self._topic,
            [key for key, _ in events],
            [event.id for _, event in events],
            [event.to_json() for _, event in events],
        )
