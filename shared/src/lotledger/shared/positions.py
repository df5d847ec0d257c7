"""Where a projection's consumer positions live: `consumer_positions` in the projection's
own schema, written in the transaction that applies the records they follow (DESIGN
§4.3). Appliers of a partition serialise on transaction-scoped advisory locks and re-read
the positions after the wait (`lock_positions`)."""

from __future__ import annotations

from collections.abc import Sequence

from aiokafka import TopicPartition
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

POSITIONS_DDL = """
CREATE TABLE consumer_positions (
    consumer    text NOT NULL,
    topic       text NOT NULL,
    partition   integer NOT NULL,
    next_offset bigint NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, topic, partition)
);
"""


async def stored_positions(conn: AsyncConnection, consumer: str) -> dict[TopicPartition, int]:
    rows = await conn.execute(
        text(
            "SELECT topic, partition, next_offset FROM consumer_positions "
            "WHERE consumer = :consumer"
        ),
        {"consumer": consumer},
    )
    return {TopicPartition(r.topic, r.partition): r.next_offset for r in rows}


async def save_positions(
    conn: AsyncConnection, consumer: str, positions: dict[TopicPartition, int]
) -> None:
    await conn.execute(
        text(
            "INSERT INTO consumer_positions (consumer, topic, partition, next_offset) "
            "SELECT :consumer, * FROM unnest(CAST(:topics AS text[]), CAST(:partitions AS int[]),"
            " CAST(:offsets AS bigint[])) ON CONFLICT (consumer, topic, partition) DO UPDATE "
            "SET next_offset = EXCLUDED.next_offset, updated_at = now()"
        ),
        {
            "consumer": consumer,
            "topics": [tp.topic for tp in positions],
            "partitions": [tp.partition for tp in positions],
            "offsets": list(positions.values()),
        },
    )


async def lock_positions(
    conn: AsyncConnection, consumer: str, partitions: Sequence[TopicPartition]
) -> dict[TopicPartition, int]:
    """Serialise appliers of `partitions` until the transaction ends (advisory locks taken in
    a fixed order) and return their stored positions as of after the wait."""
    keys = sorted({f"{consumer}\x1f{tp.topic}\x1f{tp.partition}" for tp in partitions})
    await conn.execute(
        text(
            "SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) "
            "FROM unnest(CAST(:keys AS text[])) AS k ORDER BY k"
        ),
        {"keys": keys},
    )
    stored = await stored_positions(conn, consumer)
    return {tp: o for tp, o in stored.items() if tp in set(partitions)}
