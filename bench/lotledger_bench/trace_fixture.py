"""A large traceability read model, bulk-loaded without Kafka: `events` stock events, of
which `big` belong to one long-lived lot (`BIG`) and the rest to 20-event lots.

Histories are folded with the projection's own code (`LotBatch`) and written with its
binary COPY (`LotStore`), so the rows are exactly what the projector would have written.
The big lot's events are spread evenly over the load, interleaved with the small lots, so
its rows are scattered over the tables as a long-lived lot's would be. `jobs` processes
load shares of the small lots at once (the first one also the big lot, in stream order);
then the tables are vacuumed and analysed, as autovacuum would have left them.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from lotledger_bench.generator import Chainer
from lotledger_bench.synthetic import GTIN, START, stream

from lotledger.shared.db import driver_connect
from lotledger.shared.gc_tuning import tune_gc
from lotledger.traceability.adapters.lot_store import LotStore
from lotledger.traceability.adapters.records import StockRecord
from lotledger.traceability.service.lot_batch import LotBatch

BIG = "TRACE-10K"
SMALL = 20
"""Events per small lot."""
CHUNK = 1000
"""Small lots per transaction."""
TABLES = ("history", "residence", "stays", "lots", "shipments", "receipts")


@dataclass(frozen=True)
class Fixture:
    events: int
    big_events: int
    small_lots: int
    load_s: float
    vacuum_s: float
    first: datetime
    last: datetime
    """The span of the events' times."""

    @property
    def rate(self) -> float:
        return self.events / self.load_s if self.load_s > 0 else 0.0


def small_lot(n: int) -> str:
    return f"L{n:07d}"


def records(chainer: Chainer, lot: str, count: int, start: datetime) -> list[StockRecord]:
    return [
        StockRecord(envelope, event, envelope["streamversion"], event.at)
        for event, envelope in stream(chainer, lot, count, start)
    ]


def shares(events: int, big: int, jobs: int) -> list[list[int]]:
    """The chunk numbers each job loads, round robin; chunk n holds small lots
    n*CHUNK .. n*CHUNK+CHUNK-1 (fewer in the last)."""
    lots = max(events - big, 0) // SMALL
    chunks = max(-(-lots // CHUNK), 1)
    return [list(range(j, chunks, jobs)) for j in range(min(jobs, chunks))]


async def _load_share(
    url: str, schema: str, job: int, chunks: list[int], events: int, big: int, seed: int
) -> int:
    lots = max(events - big, 0) // SMALL
    big_records = records(Chainer(seed=seed), BIG, big, START) if job == 0 else []
    per_chunk = -(-len(big_records) // max(len(chunks), 1))
    chainer = Chainer(seed=seed + 1 + job)
    conn = await driver_connect(url, schema, "lotledger-bench-load")
    loaded = 0
    try:
        for i, n in enumerate(chunks):
            history = big_records[i * per_chunk : (i + 1) * per_chunk]
            for k in range(n * CHUNK, min((n + 1) * CHUNK, lots)):
                history += records(chainer, small_lot(k), SMALL, START + timedelta(minutes=k))
            async with conn.transaction():
                store = LotStore(conn)
                batch = LotBatch(*await store.load(sorted({(GTIN, r.event.lot) for r in history})))
                for record in history:
                    batch.add(record)
                await store.write(batch)
            loaded += len(history)
    finally:
        await conn.close()
    return loaded


def _load_in_process(
    url: str, schema: str, job: int, chunks: list[int], events: int, big: int, seed: int
) -> int:
    tune_gc()
    return asyncio.run(_load_share(url, schema, job, chunks, events, big, seed))


async def vacuum(url: str, schema: str) -> None:
    conn = await driver_connect(url, schema, "lotledger-bench-load")
    try:
        for table in TABLES:
            await conn.execute(f"VACUUM (ANALYZE) {table}")
    finally:
        await conn.close()


async def load(
    url: str, schema: str, events: int, big: int, *, seed: int, jobs: int = 2
) -> Fixture:
    """Load into `schema` (migrated, empty of these lots) at `url` (the traceability
    role's SQLAlchemy URL)."""
    plan = shares(events, big, jobs)
    started = time.perf_counter()
    if len(plan) == 1:
        loaded = await _load_share(url, schema, 0, plan[0], events, big, seed)
    else:
        loop = asyncio.get_running_loop()
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=len(plan), mp_context=spawn) as pool:
            done = [
                loop.run_in_executor(
                    pool, _load_in_process, url, schema, j, chunks, events, big, seed
                )
                for j, chunks in enumerate(plan)
            ]
            loaded = sum(await asyncio.gather(*done))
    load_s = time.perf_counter() - started
    await vacuum(url, schema)
    small_lots = max(events - big, 0) // SMALL
    last = START + timedelta(minutes=max(big, small_lots + SMALL))
    return Fixture(
        loaded,
        big,
        small_lots,
        round(load_s, 1),
        round(time.perf_counter() - started - load_s, 1),
        START,
        last,
    )
