"""`lotledger-alerts rebuild [--compare]`: the alerts schema restored from Kafka into the
rebuild schema and, optionally, compared with the live one.

- Facts come from the projector's topics (catalog first, then stock as the projector
  reads it, re-keyed by product, telemetry and excursions), without evaluating any rule;
  alerts come from `lotledger.alerts.v1`, each change carrying the whole alert
  (`service/restore.py`). Nothing is published.
- The live schema is never written; emptying and migrating the rebuild schema is the
  owner's work, as for `migrate` (docs/adr/0007); the replay runs as the runtime role.
- `--compare` compares at one cut: in a snapshot of the live schema whose alert outbox is
  empty, the consumer positions say how far the facts go and the relay's offsets how far
  the alerts topic holds its alerts; the rebuild is brought to exactly there (waiting up
  to `--wait` seconds while the live side is behind it or still publishing), then every
  table is compared row by row and any difference named.

Rules, webhooks, deliveries and idempotency keys are commands' state, not derived from
Kafka: they are neither rebuilt nor compared (restore them from backup).

Exit status: 0 when rebuilt (and equal), 1 when a table differs, 2 when no comparison
was possible.
"""

from __future__ import annotations

import time

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from lotledger.alerts.adapters.compare import COMPARED
from lotledger.alerts.adapters.rebuild_schema import drop_open_key_index, published_cut
from lotledger.alerts.entrypoints.projector import CONSUMER
from lotledger.alerts.entrypoints.wiring import Wiring
from lotledger.shared.compare import TableVerdict, at_live_cut, compare_tables, rebuild_status
from lotledger.shared.contracts import topics
from lotledger.shared.db import driver_of
from lotledger.shared.kafka import partitions_of
from lotledger.shared.migrations import migrate
from lotledger.shared.positions import stored_positions
from lotledger.shared.replay import replay_all
from lotledger.shared.schema_reset import reset_schema

LATER = [topics.ALERTS_STOCK_BY_PRODUCT, topics.TELEMETRY, topics.EXCURSIONS, topics.ALERTS]


async def rebuild(wiring: Wiring, compare: bool, wait_s: float = 60.0) -> int:
    settings = wiring.settings
    schema = settings.alerts_rebuild_schema
    target = wiring.migration(schema)
    await reset_schema(target.owner_url, schema, settings.alerts_db_schema)
    await migrate(target)
    await drop_open_key_index(target.owner_url, schema)
    rebuilt = wiring.engine("rebuild", schema)
    try:
        started = time.perf_counter()
        applied = (await replay_all(settings, rebuilt, wiring.restoring([topics.CATALOG])))[0]
        applied += (await replay_all(settings, rebuilt, wiring.restoring(LATER)))[0]
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
            live, once, wait_s, "the live schema stayed behind the rebuild or kept publishing"
        )
    finally:
        await live.dispose()


async def _compare_at_live_cut(
    wiring: Wiring, conn: AsyncConnection, rebuilt: AsyncEngine
) -> list[TableVerdict] | None:
    """None while the live snapshot is behind the rebuild somewhere, or still has alert
    changes to publish."""
    settings = wiring.settings
    alerts_topic = settings.topic(topics.ALERTS)
    published = await published_cut(await driver_of(conn), alerts_topic)
    if published is None:
        return None
    cut = {**await stored_positions(conn, CONSUMER), **published}
    for tp in await partitions_of(settings.kafka_bootstrap, alerts_topic):
        cut.setdefault(tp, 0)
    async with rebuilt.connect() as rb:
        rebuilt_positions = await stored_positions(rb, CONSUMER)
    if any(cut.get(tp, 0) < offset for tp, offset in rebuilt_positions.items()):
        return None
    everything = wiring.restoring()
    until = {
        tp: cut.get(tp, 0)
        for t in everything.topics
        for tp in await partitions_of(settings.kafka_bootstrap, t)
    }
    await replay_all(settings, rebuilt, everything, until=until)
    return await compare_tables(
        conn, settings.alerts_db_schema, settings.alerts_rebuild_schema, COMPARED
    )
