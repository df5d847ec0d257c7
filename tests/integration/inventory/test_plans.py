"""Every connection plans each execution of a prepared statement for the table as it is
(`lotledger.shared.db.session_settings`). With Postgres' default, a statement run five
times while `batches` was small keeps its cached generic plan, a sequential scan, once the
table has grown, until autovacuum's first ANALYZE: on a new database, the append of every
single POST read the whole table (13,730 such scans of `batches` in a three-minute bench
run, 76 million rows)."""

import asyncpg

from lotledger.inventory.bootstrap import create_app
from lotledger.shared.db import create_engine, driver_of
from tests.support.apps import serve
from tests.support.private import private_inventory, settings_for
from tests.support.relay import receipt
from tests.support.stock import post_operations
from tests.support.tokens import bearer
from tests.support.world import COLD, seed_catalog

LOTS = 3000


JOINED = """
SELECT b.batch_id, b.version
FROM batches b JOIN unnest($1::text[], $2::int[]) AS u(batch_id, expected)
  ON b.batch_id = u.batch_id AND b.version = u.expected
"""
"""The shape in which the append finds the batches it moves (`append_request`): a
join of the table to the request's arrays."""


async def test_a_statement_first_run_on_a_small_table_reads_it_by_index_once_it_is_large() -> None:
    lot = f"{COLD}/PLAN7"
    execute = f"EXECUTE joined(ARRAY['{lot}'], ARRAY[1])"
    async with private_inventory() as infra, serve(create_app(settings_for(infra))) as client:
        await seed_catalog(client, bearer("admin"))
        engine = create_engine(infra.url("inventory"), "inventory", pool_size=1)
        try:
            async with engine.connect() as conn:
                driver = await driver_of(conn)
                await driver.execute(f"PREPARE joined(text[], int[]) AS {JOINED}")
                for _ in range(8):
                    await driver.fetch(execute)
                await post_operations(client, [receipt(f"PLAN{n}", 1) for n in range(LOTS)])
                plan = "\n".join(r["QUERY PLAN"] for r in await driver.fetch(f"EXPLAIN {execute}"))
                rows = await driver.fetch(execute)
        finally:
            await engine.dispose()
    assert "Seq Scan on batches" not in plan, plan
    assert [r["batch_id"] for r in rows] == [lot]


async def test_analyze_keeps_statistics_of_events_only_for_what_plans_read() -> None:
    """ANALYZE of `events` sorts no payloads, data or hashes (migration
    `0016_maintenance`); the columns plans read keep their statistics."""
    async with private_inventory() as infra, serve(create_app(settings_for(infra))) as client:
        await seed_catalog(client, bearer("admin"))
        await post_operations(client, [receipt(f"STATS{n:03d}", 1) for n in range(50)])
        conn = await asyncpg.connect(infra.owner_url("inventory", driver="postgresql"))
        try:
            await conn.execute("ANALYZE inventory.events")
            studied = {
                r["attname"]
                for r in await conn.fetch(
                    "SELECT attname FROM pg_stats "
                    "WHERE schemaname = 'inventory' AND tablename = 'events'"
                )
            }
        finally:
            await conn.close()
    assert {"stream_id", "version", "position", "slot", "tx", "type", "occurred_at"} <= studied
    assert not studied & {"data", "payload", "hash", "prev_hash", "traceparent", "actor"}
