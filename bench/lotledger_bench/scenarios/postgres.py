"""Raw limits of Postgres on this machine for rows shaped like lotledger's events (same
columns, keys and constraints as inventory.events), through asyncpg with the bench's
append concurrency:

- INSERT, one row per transaction (the floor under a single-operation POST);
- INSERT, 100 rows per transaction in one statement (unnest of arrays);
- COPY, 5,000 rows per transaction.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import asyncpg
from lotledger_bench.context import Context
from lotledger_bench.registry import Figure, Outcome, scenario
from lotledger_bench.scenarios.rows import COLUMNS, EVENTS_DDL, rows

TABLE = "baseline.events"
UNNEST = (
    f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) SELECT * FROM unnest("  # noqa: S608
    "$1::uuid[], $2::text[], $3::text[], $4::int[], $5::text[], $6::jsonb[], "
    "$7::timestamptz[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], "
    "$13::text[])"
)
SINGLE = (
    f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) "  # noqa: S608
    f"VALUES ({', '.join(f'${i}' for i in range(1, len(COLUMNS) + 1))})"
)

Write = Callable[[asyncpg.Connection, list[tuple[Any, ...]]], Awaitable[None]]


async def _single(conn: asyncpg.Connection, batch: list[tuple[Any, ...]]) -> None:
    await conn.execute(SINGLE, *batch[0])


async def _unnest(conn: asyncpg.Connection, batch: list[tuple[Any, ...]]) -> None:
    await conn.execute(UNNEST, *(list(col) for col in zip(*batch, strict=True)))


async def _copy(conn: asyncpg.Connection, batch: list[tuple[Any, ...]]) -> None:
    await conn.copy_records_to_table(
        "events", schema_name="baseline", records=batch, columns=COLUMNS
    )


async def measure(
    ctx: Context, tag: str, write: Write, per_txn: int, seconds: float, warmup: float
) -> dict[str, Any]:
    """Each of `append_concurrency` connections commits `per_txn` rows per transaction,
    back to back, for `warmup + seconds`; rows committed after the warm-up count."""
    conns = ctx.cfg.append_concurrency
    counted = [0] * conns
    latencies: list[float] = []
    start = time.monotonic()
    measure_from, stop = start + warmup, start + warmup + seconds

    async def worker(w: int) -> None:
        source: Iterator[tuple[Any, ...]] = rows(ctx.cfg.seed, f"{tag}{w}")
        conn = await asyncpg.connect(ctx.env.database_admin_url())
        try:
            while (now := time.monotonic()) < stop:
                batch = list(itertools.islice(source, per_txn))
                async with conn.transaction():
                    await write(conn, batch)
                if now >= measure_from:
                    counted[w] += per_txn
                    latencies.append(time.monotonic() - now)
        finally:
            await conn.close()

    await asyncio.gather(*(worker(w) for w in range(conns)))
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99)] * 1000 if latencies else 0.0
    return {
        "rows_per_s": round(sum(counted) / seconds, 1),
        "transactions": len(latencies),
        "rows_per_transaction": per_txn,
        "connections": conns,
        "txn_p99_ms": round(p99, 2),
    }


@scenario(
    "postgres",
    "Raw limit: Postgres INSERT and COPY",
    "rows/s of event-shaped rows: INSERT 1/txn, INSERT 100/txn, COPY 5,000/txn",
)
async def run(ctx: Context) -> Outcome:
    conn = await asyncpg.connect(ctx.env.database_admin_url())
    try:
        await conn.execute(EVENTS_DDL.format(table=TABLE))
    finally:
        await conn.close()
    seconds, out = ctx.cfg.durations.postgres_s, Outcome()
    cases: list[tuple[str, str, Write, int]] = [
        ("insert_1", "INSERT, 1 row per transaction", _single, 1),
        ("insert_100", "INSERT, 100 rows per transaction", _unnest, 100),
        ("copy_5000", "COPY, 5,000 rows per transaction", _copy, 5000),
    ]
    for key, label, write, per_txn in cases:
        result = await measure(ctx, key, write, per_txn, seconds, warmup=1.0)
        out.runs.append({"label": label, **result})
        out.figures.append(
            Figure(f"postgres.{key}_rows_per_s", label, result["rows_per_s"], "rows/s")
        )
    return out
