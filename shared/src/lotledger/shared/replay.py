"""Rebuilding a projection: every record from offset zero (or the stored positions) up to
the end offsets seen at the start, through the same exactly-once `Projector.apply` as the
live consumer."""

from __future__ import annotations

from collections.abc import Mapping

from aiokafka import TopicPartition
from sqlalchemy.ext.asyncio import AsyncEngine

from lotledger.shared.batch_fetch import fetch
from lotledger.shared.kafka import create_consumer, partitions_of
from lotledger.shared.positions import stored_positions
from lotledger.shared.projection import Projection, Projector
from lotledger.shared.settings import CommonSettings


async def replay_all(
    settings: CommonSettings,
    engine: AsyncEngine,
    projection: Projection,
    max_records: int = 5000,
    until: Mapping[TopicPartition, int] | None = None,
) -> tuple[int, dict[TopicPartition, int]]:
    """Apply every record from offset zero up to the end offsets seen at the start (a
    rebuild into whatever schema `engine` targets), or up to `until` where it names a
    partition (never past the end). Returns records applied and the ends used."""
    projector = Projector(
        settings, engine, projection, group_id="unused", max_records=max_records, traced=False
    )
    async with engine.connect() as conn:
        projector.positions.update(await stored_positions(conn, projection.consumer))
    consumer = create_consumer(
        settings, None, f"{projection.consumer}-rebuild", max_poll_records=max_records
    )
    await consumer.start()
    applied = 0
    try:
        partitions = [
            tp for t in projection.topics for tp in await partitions_of(settings.kafka_bootstrap, t)
        ]
        ends = await consumer.end_offsets(partitions)
        if until is not None:
            ends = {tp: min(end, until.get(tp, end)) for tp, end in ends.items()}
        pending = {tp for tp in partitions if projector.positions.get(tp, 0) < ends[tp]}
        consumer.assign(list(pending))
        for tp in pending:
            consumer.seek(tp, projector.positions.get(tp, 0))
        while pending:
            batches = await fetch(consumer, pending, 500, max_records)
            clipped = {tp: [r for r in rs if r.offset < ends[tp]] for tp, rs in batches.items()}
            applied += await projector.apply(clipped)
            pending = {
                tp
                for tp in pending
                if projector.positions.get(tp, 0) < ends[tp]
                and await consumer.position(tp) < ends[tp]
            }
    finally:
        await consumer.stop()
    return applied, dict(ends)
