"""The alert-event outbox: lifecycle CloudEvents written in the transaction that changed
the alert, published to `lotledger.alerts.v1` (key = alert id) by the publisher.

Rows are deleted once published, so a row committed late with a lower id is still found
on the next pass; nothing depends on ids becoming visible in order. `publisher_offsets`
holds the next Kafka offset the publisher has reached per partition: its recovery reads
forward from there and drops rows whose event id it finds already published.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from lotledger.shared.envelope import CloudEvent

Reached = dict[tuple[str, int], int]


@dataclass(frozen=True)
class OutboxMessage:
    id: int
    key: str
    event_id: UUID
    payload: bytes


class AlertOutbox:
    def __init__(self, conn: Any) -> None:
        self._conn = conn

    async def append(self, event: CloudEvent, key: str) -> None:
        await self._conn.execute(
            "INSERT INTO alert_outbox (event_id, key, payload) VALUES ($1, $2, $3)",
            event.id,
            key,
            event.to_json(),
        )

    async def next_batch(self, limit: int) -> list[OutboxMessage]:
        rows = await self._conn.fetch(
            "SELECT id, key, event_id, payload FROM alert_outbox ORDER BY id LIMIT $1", limit
        )
        return [OutboxMessage(r["id"], r["key"], r["event_id"], bytes(r["payload"])) for r in rows]

    async def published(self, ids: Sequence[int], reached: Reached) -> None:
        """Forget published rows and record the offsets reached, atomically."""
        async with self._conn.transaction():
            await self._conn.execute(
                "DELETE FROM alert_outbox WHERE id = ANY($1::bigint[])", list(ids)
            )
            await self._record(reached)

    async def forget_events(self, event_ids: Sequence[str], reached: Reached) -> int:
        """Recovery: rows whose events Kafka already holds are removed."""
        async with self._conn.transaction():
            status = await self._conn.execute(
                "DELETE FROM alert_outbox WHERE event_id = ANY($1::uuid[])", list(event_ids)
            )
            await self._record(reached)
        return int(status.rsplit(" ", 1)[1])

    async def offsets(self) -> Reached:
        rows = await self._conn.fetch("SELECT topic, partition, next_offset FROM publisher_offsets")
        return {(r["topic"], r["partition"]): r["next_offset"] for r in rows}

    async def backlog(self) -> int:
        return int(await self._conn.fetchval("SELECT count(*) FROM alert_outbox"))

    async def _record(self, reached: Reached) -> None:
        if not reached:
            return
        await self._conn.execute(
            "INSERT INTO publisher_offsets (topic, partition, next_offset) "
            "SELECT * FROM unnest($1::text[], $2::int[], $3::bigint[]) "
            "ON CONFLICT (topic, partition) DO UPDATE SET next_offset = "
            "GREATEST(publisher_offsets.next_offset, EXCLUDED.next_offset)",
            [t for t, _ in reached],
            [p for _, p in reached],
            list(reached.values()),
        )
