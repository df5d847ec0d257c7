"""Migration 0013_event_relay on an event store whose relay left stock events in the
outbox: those events get their payloads and trace context on their own rows, leave the
outbox (other rows stay), and each slot's cursor starts just before its oldest waiting
event, so the new relay sends exactly them; the offsets carry over; the downgrade refuses
while events wait."""

from __future__ import annotations

import uuid

import asyncpg
import pytest

from lotledger.inventory.adapters.event_source import EventSource
from lotledger.shared.relay_slots import SLOTS
from tests.support.event_rows import insert_event
from tests.support.infra import Infra, migrate_to, owner_role

BEFORE, REVISION = "0012_suspect_record", "0013_event_relay"
OWNER = owner_role("inventory")
STREAM = "09506000134352/MIGRATED"


async def test_waiting_stock_events_move_onto_their_rows_and_the_cursor_starts_before_them(
    fresh_database: Infra,
) -> None:
    await migrate_to(fresh_database, "inventory", BEFORE)
    conn = await asyncpg.connect(fresh_database.url(OWNER, driver="postgresql"))
    await conn.execute("SET search_path = inventory")
    try:
        await conn.execute(
            "INSERT INTO relay_offsets (slot, topic, partition, next_offset) "
            "VALUES (3, 'stock', 0, 120)"
        )
        other = [
            await insert_event(conn, f"09506000134352/OTHER{n}", 1, payload=False)
            for n in range(20)
        ]
        published = await insert_event(conn, STREAM, 1, payload=False)
        waiting = [await insert_event(conn, STREAM, v, payload=False) for v in (2, 3)]
        for n, event_id in enumerate(waiting):
            await conn.execute(
                "INSERT INTO outbox (topic, key, event_id, payload, traceparent) "
                "VALUES ('stock', $1, $2, $3, $4)",
                STREAM,
                event_id,
                f"payload-{n}".encode(),
                f"trace-{n}",
            )
        await conn.execute(
            "INSERT INTO outbox (topic, key, event_id, payload) "
            "VALUES ('catalog', 'product:1', $1, 'catalog')",
            uuid.uuid4(),
        )

        await migrate_to(fresh_database, "inventory", REVISION)

        assert await conn.fetchval("SELECT array_agg(topic) FROM outbox") == ["catalog"]
        rows = await conn.fetch(
            "SELECT event_id, payload, traceparent FROM events WHERE stream_id = $1 "
            "ORDER BY version",
            STREAM,
        )
        assert [(r["payload"], r["traceparent"]) for r in rows] == [
            (None, None),
            (b"payload-0", "trace-0"),
            (b"payload-1", "trace-1"),
        ]
        assert await conn.fetchval("SELECT count(*) FROM relay_cursors") == SLOTS
        assert await conn.fetchval("SELECT count(*) FROM event_relay_offsets") == 1

        batch = await EventSource(conn).next_batch(set(range(SLOTS)), 1000)
        assert [m.event_id for m in batch] == waiting, "neither the published nor the others"
        assert published not in {m.event_id for m in batch}
        assert not {m.event_id for m in batch} & set(other)

        with pytest.raises(Exception, match="waiting for the relay"):
            await migrate_to(fresh_database, "inventory", BEFORE, down=True)
    finally:
        await conn.close()
