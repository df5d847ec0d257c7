"""`rebuild [--compare]`: replay the topics from offset zero into the rebuild schema and,
optionally, compare the result with the live read models.

- The live schema is never written, so the projector keeps running during a rebuild.
- Emptying and migrating the rebuild schema is the owner's work (the owner URL, as for
  `migrate`), which also grants the runtime role its declared privileges there; the replay
  and the comparison then run as the runtime role, as the projector does.
- The catalog is replayed first, then stock and telemetry: every reading is judged
  against ranges already known, the range in force when it was taken (a location's
  record carries every range it has had, so the compacted topic keeps them; ADR 0013).
- Nothing is published: excursions found again are the ones the live projector
  published, with the same ids.
- `--jobs N` replays stock and telemetry with N processes, each owning a share of their
  partitions (`replay_jobs.py`).
- `--compare` compares at one cut: in a snapshot of the live schema, the rebuild is
  brought to exactly the live positions (waiting up to `--wait` seconds while the live
  projector is behind the rebuild), then each table is compared row by row.

Exit status: 0 when rebuilt (and equal), 1 when a table differs, 2 when no comparison
was possible.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from aiokafka import TopicPartition
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from lotledger.shared.compare import TableVerdict, at_live_cut, compare_tables, rebuild_status
from lotledger.shared.kafka import partitions_of
from lotledger.shared.migrations import migrate
from lotledger.shared.positions import stored_positions
from lotledger.shared.replay import replay_all
from lotledger.shared.schema_reset import reset_schema
from lotledger.traceability.adapters.compare import COMPARED
from lotledger.traceability.adapters.records import Topics
from lotledger.traceability.entrypoints.replay_jobs import replay_topics
from lotledger.traceability.entrypoints.wiring import Wiring
from lotledger.traceability.service.projection import CONSUMER
from lotledger.traceability.settings import TraceabilitySettings


async def rebuild(wiring: Wiring, compare: bool, wait_s: float = 60.0, jobs: int = 1) -> int:
    settings = wiring.settings
    schema = settings.traceability_rebuild_schema
    target = wiring.migration(schema)
    await reset_schema(target.owner_url, schema, settings.traceability_db_schema)
    await migrate(target)
    rebuilt = wiring.engine("rebuild", schema)
    try:
        started, applied = time.perf_counter(), 0
        topics = Topics.of(settings)
        applied += await replay_topics(wiring, schema, [topics.catalog, topics.checkpoints], 1)
        applied += await replay_topics(wiring, schema, [topics.stock, topics.telemetry], jobs)
        elapsed = time.perf_counter() - started

        async def comparison() -> list[TableVerdict]:
            return await compare_with_live(wiring, rebuilt, wait_s)

        return await rebuild_status(schema, applied, elapsed, comparison if compare else None)
    finally:
        await rebuilt.dispose()


async def compare_with_live(
    wiring: Wiring, rebuilt: AsyncEngine, wait_s: float
) -> list[TableVerdict]:
    live = wiring.engine("compare")
    try:

        async def once(conn: AsyncConnection) -> list[TableVerdict] | None:
            return await _compare_at_live_cut(wiring, conn, rebuilt)

        return await at_live_cut(
            live, once, wait_s, "the live projection stayed behind the rebuild"
        )
    finally:
        await live.dispose()


async def _compare_at_live_cut(
    wiring: Wiring, conn: AsyncConnection, rebuilt: AsyncEngine
) -> list[TableVerdict] | None:
    """None while the live snapshot is behind the rebuild somewhere."""
    settings = wiring.settings
    live_positions = await stored_positions(conn, CONSUMER)
    async with rebuilt.connect() as rb:
        rebuilt_positions = await stored_positions(rb, CONSUMER)
    if any(live_positions.get(tp, 0) < o for tp, o in rebuilt_positions.items()):
        return None
    partitions = await _partitions(settings, Topics.of(settings).all())
    until = {tp: live_positions.get(tp, 0) for tp in partitions}
    await replay_all(settings, rebuilt, wiring.projection(publish=False), until=until)
    return await compare_tables(
        conn, settings.traceability_db_schema, settings.traceability_rebuild_schema, COMPARED
    )


async def _partitions(
    settings: TraceabilitySettings, topics: Sequence[str]
) -> list[TopicPartition]:
    return [tp for t in topics for tp in await partitions_of(settings.kafka_bootstrap, t)]
