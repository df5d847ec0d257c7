"""Alerts projector throughput with 1 and 2 workers (issue 17, docs/adr/0017).

A synthetic history (`alerts_workload`: 20,000 stock events over 2,000 products, each
product's lots received and picked through its reorder point) is produced straight to a
stock topic of the scenario's own (its own topic prefix: the run's stock topic holds every
earlier scenario's events) and re-keyed by product once by the repartition stage (its own
rate is reported). Then, for 1 and then 2 workers, `lotledger-alerts project` processes in
one consumer group project the re-keyed topic from offset zero into a fresh schema of
their own (`alerts_w1`, `alerts_w2`: created, migrated, no positions), and the rate is the
re-keyed records over the time from the first stored position to the last. Each worker
runs its repartition member too (idle: the stock is already copied).
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace

import asyncpg
from lotledger_bench import alerts_workload
from lotledger_bench.context import Context
from lotledger_bench.infra import BenchEnv, offsets
from lotledger_bench.processes import run_once, service
from lotledger_bench.registry import Figure, Outcome, scenario

from lotledger.alerts.entrypoints.repartition import GROUP, Repartitioner
from lotledger.shared.contracts.topics import ALERTS_STOCK_BY_PRODUCT, STOCK, TOPICS
from lotledger.shared.kafka import delete_topics, ensure_topics
from lotledger.shared.settings import CommonSettings

PRODUCTS, EVENTS = 2000, 20_000
WORKERS = (1, 2)
TIMEOUT_S = 1800.0


async def _repartition(settings: CommonSettings, records: int) -> float:
    """Copy the stock topic to the re-keyed one (the group starts at offset zero); returns
    the seconds it took."""
    stop = asyncio.Event()
    stage = Repartitioner(settings, group=f"{GROUP}-bench")
    began = time.monotonic()
    task = asyncio.create_task(stage.run(stop))
    target = [settings.topic(ALERTS_STOCK_BY_PRODUCT)]
    try:
        while sum((await offsets(settings, target))[1].values()) < records:
            if task.done():
                task.result()
            await asyncio.sleep(0.2)
        return time.monotonic() - began
    finally:
        stop.set()
        await asyncio.wait_for(task, 60)


@asynccontextmanager
async def _own_topics(env: BenchEnv) -> AsyncIterator[BenchEnv]:
    """`env` with a topic prefix of its own, its topics created and, after, deleted."""
    own = replace(env, topic_prefix=f"{env.topic_prefix}alerts-workers.")
    settings = own.settings()
    await ensure_topics(settings)
    try:
        yield own
    finally:
        await delete_topics(settings, [settings.topic(spec.name) for spec in TOPICS])


async def _fresh_schema(ctx: Context, env: BenchEnv, schema: str) -> dict[str, str]:
    conn = await asyncpg.connect(ctx.env.database_admin_url())
    try:
        await conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        await conn.execute(f"CREATE SCHEMA {schema} AUTHORIZATION alerts_owner")
    finally:
        await conn.close()
    service_env = env.service_env() | {"LOTLEDGER_ALERTS_DB_SCHEMA": schema}
    await run_once(f"alerts-migrate-{schema}", service_env, ctx.logs, "migrate", timeout_s=120)
    return service_env


async def _projected(ctx: Context, schema: str, topic: str) -> int:
    conn = await asyncpg.connect(ctx.env.database_admin_url())
    try:
        return int(
            await conn.fetchval(
                f"SELECT coalesce(sum(next_offset), 0) FROM {schema}.consumer_positions "  # noqa: S608
                "WHERE topic = $1",
                topic,
            )
        )
    finally:
        await conn.close()


async def _project(ctx: Context, own: BenchEnv, workers: int, records: int) -> dict[str, float]:
    schema = f"alerts_w{workers}"
    env = await _fresh_schema(ctx, own, schema)
    topic = own.settings().topic(ALERTS_STOCK_BY_PRODUCT)
    processes = [
        service(f"alerts-w{workers}-{n}", env, ctx.logs, "project") for n in range(workers)
    ]
    began = time.monotonic()
    first: float | None = None
    for process in processes:
        process.start()
    try:
        while (done := await _projected(ctx, schema, topic)) < records:
            if first is None and done > 0:
                first = time.monotonic()
            if time.monotonic() - began > TIMEOUT_S:
                raise RuntimeError(f"{workers} worker(s) projected {done:,} of {records:,}")
            for process in processes:
                if not process.running:
                    raise RuntimeError(f"{process.name} exited; see {process.log}")
            await asyncio.sleep(0.25)
        ended = time.monotonic()
    finally:
        for process in processes:
            process.stop()
    start = first if first is not None else began
    return {
        "workers": workers,
        "records": records,
        "projecting_s": round(ended - start, 2),
        "wall_s": round(ended - began, 2),
        "events_per_s": round(records / max(ended - start, 1e-6), 1),
    }


@scenario(
    "alerts_workers",
    "Alerts projector, 1 and 2 workers",
    f"stock events/s of the alerts projection with 1 and 2 workers ({EVENTS:,} events, "
    f"{PRODUCTS:,} products)",
)
async def run(ctx: Context) -> Outcome:
    async with _own_topics(ctx.env) as own:
        return await _measure(ctx, own)


async def _measure(ctx: Context, own: BenchEnv) -> Outcome:
    settings, out = own.settings(), Outcome()
    codes = alerts_workload.gtins(PRODUCTS)
    began = time.monotonic()
    sent = await alerts_workload.publish(settings, codes, EVENTS, seed=ctx.cfg.seed)
    out.notes.append(f"{sent:,} stock events produced in {time.monotonic() - began:.1f} s")
    _, stock_end = await offsets(settings, [settings.topic(STOCK)])
    records = sum(stock_end.values())
    copy_s = await _repartition(settings, records)
    out.runs.append({"label": "repartition stage", "records": records, "seconds": copy_s})
    out.figures.append(
        Figure(
            "alerts_workers.repartition_records_per_s",
            "repartition stage (stock re-keyed by product), 1 member",
            round(records / copy_s, 1),
            "records/s",
        )
    )
    rates: dict[int, float] = {}
    for workers in WORKERS:
        result = await _project(ctx, own, workers, records)
        out.runs.append({"label": f"{workers} worker(s)", **result})
        rates[workers] = result["events_per_s"]
        out.figures.append(
            Figure(
                f"alerts_workers.events_per_s_{workers}",
                f"alerts projector, {workers} worker{'s' if workers > 1 else ''}, "
                f"{records:,} events",
                rates[workers],
                "events/s",
            )
        )
    out.figures.append(
        Figure(
            "alerts_workers.ratio_2_to_1",
            "2 workers ÷ 1 worker",
            round(rates[2] / rates[1], 2),
            "×",
            "≈ 2× (N workers, N× throughput)",
        )
    )
    out.notes.append(
        f"both workers share this machine's {os.cpu_count()} cores with its Postgres and "
        "Kafka: the ratio is bounded by the cores, not by the locks"
    )
    return out
