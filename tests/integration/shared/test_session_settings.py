"""Every service connection, pooled or dedicated (`lotledger.shared.db.session_settings`),
runs without JIT compilation: a statement whose estimated cost passes `jit_above_cost` would
otherwise be compiled before it runs. The read of a `/v1/operations` request of 1,000
operations, estimated from its probes' index scans at millions, spent 269 ms compiling and
20 ms running once `stock_levels` held ~200,000 lines (docs/adr/0014, fifth amendment)."""

from lotledger.shared.db import create_engine, driver_connect, driver_of
from tests.support.infra import Infra

COSTLY = "EXPLAIN SELECT sum(a * b) FROM generate_series(1, 3000) a, generate_series(1, 3000) b"
"""Estimated far above Postgres' default `jit_above_cost` (100,000)."""


async def test_a_costly_statement_is_planned_without_jit_on_every_kind_of_connection(
    migrated: Infra,
) -> None:
    url = migrated.url("inventory")
    engine = create_engine(url, "inventory", pool_size=1)
    try:
        async with engine.connect() as conn:
            pooled = [r["QUERY PLAN"] for r in await (await driver_of(conn)).fetch(COSTLY)]
    finally:
        await engine.dispose()
    dedicated_conn = await driver_connect(url, "inventory", "test")
    try:
        dedicated = [r["QUERY PLAN"] for r in await dedicated_conn.fetch(COSTLY)]
    finally:
        await dedicated_conn.close()
    for plan in (pooled, dedicated):
        assert plan[0].startswith("Aggregate"), plan
        assert not any(line.strip().startswith("JIT") for line in plan), plan
