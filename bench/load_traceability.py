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
import http.client
import os
import socket
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.support.infra import Infra, provision

from bench.synthetic import GTIN, drop_database, envelopes
from lotledger.shared.auth import mint_token
from lotledger.shared.migrations import upgrade_async
from lotledger.traceability.adapters.lot_store import LotStore
from lotledger.traceability.adapters.records import StockRecord
from lotledger.traceability.bootstrap import MIGRATIONS, build_engine
from lotledger.traceability.settings import TraceabilitySettings

SECRET = "bench-secret-for-lotledger-0123456789abcdef"  # noqa: S105
START = datetime(2025, 1, 1, tzinfo=UTC)
BIG = "TRACE-10K"
CHUNK = 1000


def records(lot: str, count: int, start: datetime) -> list[StockRecord]:
    from lotledger.shared.contracts.stock import EVENT_TYPES

    out = []
    for e in envelopes(lot, count, start):
        env = e.to_dict()
        payload = EVENT_TYPES[e.type].model_validate(env["data"])
        out.append(StockRecord(env, payload, e.streamversion or 0, e.time))
    return out


async def load(settings: TraceabilitySettings, events: int, big: int) -> None:
    """The big lot's events are spread evenly over the load, interleaved with 20-event
    lots, so its rows are scattered over the table as a long-lived lot's would be."""
    engine = build_engine(settings, "bench-load")
    small = [f"L{n:07d}" for n in range((events - big) // 20)]
    chunks = [small[i : i + CHUNK] for i in range(0, len(small), CHUNK)] or [[]]
    big_records = records(BIG, big, START)
    share = -(-len(big_records) // len(chunks))
    started, done = time.perf_counter(), 0
    try:
        for n, lots in enumerate(chunks):
            history = big_records[n * share : (n + 1) * share]
            for k, lot in enumerate(lots):
                history += records(lot, 20, START + timedelta(minutes=n * CHUNK + k))
            async with engine.begin() as conn:
                await conn.exec_driver_sql("SELECT 1")
                raw = await conn.get_raw_connection()
                store = LotStore(raw.driver_connection)
                batch = await store.load(sorted({(GTIN, r.event.lot) for r in history}))
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
    try:
        await asyncio.to_thread(_measure_all, port, token, requests)
    finally:
        server.terminate()
        await server.wait()


def _measure_all(port: int, token: str, requests: int) -> None:
    """Sequential requests on one keep-alive connection (stdlib http.client, which reads
    a 4 MB body in one call; a heavier client would time its own parsing)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"authorization": f"Bearer {token}"}
    for _ in range(100):
        try:
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            break
        except OSError:
            connection.close()
            time.sleep(0.1)
    for suffix in ("/trace", "", "/recall-report", "/verify", "/excursions", "/epcis"):
        report(connection, f"/v1/lots/{GTIN}/{BIG}{suffix}", headers, requests)


def report(
    connection: http.client.HTTPConnection, url: str, headers: dict[str, str], n: int
) -> None:
    timings, size = [], 0
    for i in range(n + 1):
        began = time.perf_counter()
        connection.request("GET", url, headers=headers)
        response = connection.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - began) * 1000
        if response.status != 200:
            raise RuntimeError(f"{url}: {response.status} {body[:200]!r}")
        if i:
            timings.append(elapsed)
        size = len(body)
    timings.sort()
    p99 = timings[min(len(timings) - 1, round(0.99 * len(timings)) - 1)]
    print(
        f"GET {url}: p50 {statistics.median(timings):.1f} ms, p99 {p99:.1f} ms, "
        f"max {timings[-1]:.1f} ms over {n} ({size / 1024:,.0f} KiB)",
        flush=True,
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
            await drop_database(infra)


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
