"""Lot-trace latency on a large read model: bulk-load a million stock events into the
traceability tables (one lot with 10,000 of them), serve the API as a real process, and
time GET /v1/lots/{gtin}/{lot}/trace and the lot's other reports on the big lot.

    uv run python -m bench.load_traceability [--events 1000000] [--big 10000] [--requests 100]
        [--jobs 2]

The loader is the bench's (`lotledger_bench.trace_fixture`, also behind `make bench`'s
`trace_latency`): histories folded with the projection's own code and written with its
binary COPY, without going through Kafka. It uses a throwaway database on the local
Postgres, dropped at the end unless `--keep`.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import argparse
import asyncio
import http.client
import os
import socket
import statistics
import time
from typing import Any

from lotledger_bench.infra import drop_database
from lotledger_bench.synthetic import GTIN
from lotledger_bench.trace_fixture import BIG, load
from tests.support.infra import ADMIN_URL, Infra, migrate, provision

from lotledger.shared.auth import mint_token
from lotledger.shared.urls import lot_segment

SECRET = "bench-secret-for-lotledger-0123456789abcdef"  # noqa: S105
SEED = 20261124


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
        report(connection, f"/v1/lots/{GTIN}/{lot_segment(BIG)}{suffix}", headers, requests)


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


async def main(events: int, big: int, requests: int, jobs: int, keep: bool) -> None:
    infra = await provision()
    url = infra.owner_url("traceability")
    try:
        await migrate(infra, "traceability")
        print(f"database {infra.database}: loading {events:,} events with {jobs} processes")
        fixture = await load(url, "traceability", events, big, seed=SEED, jobs=jobs)
        print(
            f"loaded {fixture.events:,} events in {fixture.load_s:.1f} s "
            f"({fixture.rate:,.0f}/s), vacuumed in {fixture.vacuum_s:.1f} s",
            flush=True,
        )
        await measure(infra, requests)
    finally:
        if keep:
            print(f"kept database {infra.database}")
        else:
            await drop_database(ADMIN_URL, infra.database)


def _args() -> Any:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--big", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=2, help="loading processes")
    parser.add_argument("--keep", action="store_true")
    return parser.parse_args()


if __name__ == "__main__":
    args = _args()
    asyncio.run(main(args.events, args.big, args.requests, args.jobs, args.keep))
