"""Lot-trace latency on a large read model: bulk-load a million stock events into the
traceability tables (one lot with 10,000 of them), serve the API as a real process, and
time GET /v1/lots/{gtin}/{lot}/trace on the big lot.

    uv run python -m bench.load_traceability [--events 1000000] [--big 10000] [--requests 100]

The loader folds synthetic, hash-chained histories with the projection's own code
(`LotBatch`) and writes them with its binary COPY (`LotStore`), so the rows are exactly
what the projector would have written, without going through Kafka. It uses a throwaway
database on the local Postgres, dropped at the end unless `--keep`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from tests.support.infra import Infra, provision, teardown

from bench.synthetic import GTIN, envelopes
from lotledger.shared.auth import mint_token
from lotledger.shared.migrations import upgrade_async
from lotledger.traceability.adapters.lot_store import LotStore
from lotledger.traceability.adapters.records import StockRecord
from lotledger.traceability.bootstrap import MIGRATIONS, build_engine
from lotledger.traceability.settings import TraceabilitySettings

SECRET = "bench-secret-for-lotledger-0123456789abcdef"
START = datetime(2025, 1, 1, tzinfo=UTC)
BIG = "TRACE-10K"


def records(lot: str, count: int, start: datetime) -> list[StockRecord]:
    from lotledger.shared.contracts.stock import EVENT_TYPES

    out = []
    for e in envelopes(lot, count, start):
        env = e.to_dict()
        payload = EVENT_TYPES[e.type].model_validate(env["data"])
        out.append(StockRecord(env, payload, e.streamversion or 0, e.time))
    return out


async def load(settings: TraceabilitySettings, events: int, big: int) -> None:
    engine = build_engine(settings, "bench-load")
    plan = [(BIG, big)] + [(f"L{n:07d}", 20) for n in range((events - big) // 20)]
    started, done = time.perf_counter(), 0
    try:
        for i in range(0, len(plan), 2000):
            chunk = [
                (lot, n, START + timedelta(minutes=k))
                for k, (lot, n) in enumerate(plan[i : i + 2000], i)
            ]
            history = [r for lot, n, at in chunk for r in records(lot, n, at)]
            async with engine.begin() as conn:
                await conn.exec_driver_sql("SELECT 1")
                raw = await conn.get_raw_connection()
                store = LotStore(raw.driver_connection)
                batch = await store.load(sorted({(GTIN, lot) for lot, _, _ in chunk}))
                for record in history:
                    batch.add(record)
                await store.write(batch)
            done += len(history)
            rate = done / (time.perf_counter() - started)
            print(f"  loaded {done:,} events ({rate:,.0f}/s)", flush=True)
        async with engine.begin() as conn:
            for table in ("history", "residence", "stays", "lots", "shipments", "receipts"):
                await conn.exec_driver_sql(f"ANALYZE {table}")
    finally:
        await engine.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def measure(infra: Infra, requests: int) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "LOTLEDGER_TRACEABILITY_DATABASE_URL": infra.url("traceability"),
        "LOTLEDGER_AUTH_SECRET": SECRET,
        "LOTLEDGER_LOG_LEVEL": "WARNING",
    }
    server = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "lotledger.traceability.cli", "serve", "--port", str(port), env=env
    )
    token = mint_token(SECRET, sub="bench", roles=["regulator"], warehouses=["*"])
    headers = {"authorization": f"Bearer {token}"}
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            await _ready(client)
            for suffix in ("/trace", "", "/recall-report", "/verify", "/excursions", "/epcis"):
                await report(client, f"/v1/lots/{GTIN}/{BIG}{suffix}", headers, requests)
    finally:
        server.terminate()
        await server.wait()


async def _ready(client: httpx.AsyncClient) -> None:
    for _ in range(100):
        try:
            if (await client.get("/healthz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError("the API did not start")


async def report(client: httpx.AsyncClient, url: str, headers: dict[str, str], n: int) -> None:
    first = await client.get(url, headers=headers)
    assert first.status_code == 200, first.text
    timings = []
    for _ in range(n):
        began = time.perf_counter()
        response = await client.get(url, headers=headers)
        timings.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200
    timings.sort()
    p99 = timings[min(len(timings) - 1, round(0.99 * len(timings)) - 1)]
    size = len(first.content) / 1024
    print(
        f"GET {url}: p50 {statistics.median(timings):.1f} ms, p99 {p99:.1f} ms, "
        f"max {timings[-1]:.1f} ms over {n} ({size:,.0f} KiB)"
    )


async def main(events: int, big: int, requests: int, keep: bool) -> None:
    infra = await provision()
    settings = TraceabilitySettings(traceability_database_url=infra.url("traceability"))
    try:
        await upgrade_async(MIGRATIONS, settings.traceability_database_url, "traceability")
        print(f"database {infra.database}: loading {events:,} events")
        await load(settings, events, big)
        await measure(infra, requests)
    finally:
        if keep:
            print(f"kept database {infra.database}")
        else:
            await teardown(infra)


def _args() -> Any:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--big", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--keep", action="store_true")
    return parser.parse_args()


if __name__ == "__main__":
    args = _args()
    asyncio.run(main(args.events, args.big, args.requests, args.keep))
