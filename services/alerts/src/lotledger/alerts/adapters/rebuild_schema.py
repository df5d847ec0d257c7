"""What only an alerts rebuild needs of the database: the rebuild schema without the
one-open-alert-per-key index, and the live schema's published cut.

Alert changes are keyed by alert id, so one key's new alert and the resolution of its
predecessor sit on different partitions: a replay can pass through states the live table
never was in, and the index (the live side's guard) would refuse them. The owner drops
it from the rebuild schema once migrated; it is what the live schema promises, not what
the rebuild compares."""

from __future__ import annotations

from aiokafka import TopicPartition

from lotledger.shared.db import Driver, driver_connect
from lotledger.shared.schema_reset import quote


async def drop_open_key_index(owner_url: str, schema: str) -> None:
    conn = await driver_connect(owner_url, schema, "lotledger-alerts-rebuild")
    try:
        await conn.execute(f"DROP INDEX IF EXISTS {quote(schema)}.alerts_one_open_per_key")
    finally:
        await conn.close()


async def published_cut(conn: Driver, topic: str) -> dict[TopicPartition, int] | None:
    """Within the caller's snapshot of the live schema: how far `topic` holds every alert
    change the snapshot holds (the relay's recorded offsets), or None while some change is
    still waiting in the outbox. Offsets are kept per relay slot; with the outbox empty,
    each partition's highest one is past every change published to it."""
    if await conn.fetchval("SELECT EXISTS (SELECT 1 FROM outbox)"):
        return None
    rows = await conn.fetch(
        "SELECT partition, max(next_offset) AS next_offset FROM relay_offsets "
        "WHERE topic = $1 GROUP BY partition",
        topic,
    )
    return {TopicPartition(topic, r["partition"]): r["next_offset"] for r in rows}
