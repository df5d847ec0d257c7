"""Rebuild throughput: publish a synthetic history (catalog, stock, readings) to private
topics, then time `lotledger-traceability rebuild` replaying it into the rebuild schema (with the
command's garbage-collector settings).

    uv run python -m bench.rebuild_throughput [--lots 2000] [--per-lot 100] [--readings 50000]
        [--jobs 1 2]

Uses the local Postgres and Kafka (a throwaway database and topic prefix, removed after).
The history is the bench's (`lotledger_bench.synthetic`); `make bench`'s
`projection_rebuild` rebuilds from the run's own topics.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import argparse
import asyncio
import time

from lotledger_bench.infra import drop_database
from lotledger_bench.synthetic import publish
from tests.support.infra import ADMIN_URL, migrate, provision

from lotledger.shared.contracts.topics import CATALOG, STOCK, TELEMETRY
from lotledger.shared.gc_tuning import tune_gc
from lotledger.shared.kafka import delete_topics, ensure_topics
from lotledger.traceability.bootstrap import run_rebuild
from lotledger.traceability.settings import TraceabilitySettings

SEED = 20261124


async def main(lots: int, per_lot: int, readings: int, jobs: list[int]) -> None:
    infra = await provision()
    settings = TraceabilitySettings(
        traceability_database_url=infra.url("traceability"),
        kafka_bootstrap=infra.kafka_bootstrap,
        topic_prefix=infra.topic_prefix,
    )
    try:
        await ensure_topics(settings)
        await migrate(infra, "traceability")
        started = time.perf_counter()
        sent = await publish(settings, lots, per_lot, readings, seed=SEED)
        print(f"published {sent} records in {time.perf_counter() - started:.1f} s")
        for n in jobs:
            print(f"--jobs {n}")
            await run_rebuild(settings, compare=False, jobs=n)
    finally:
        try:
            await drop_database(ADMIN_URL, infra.database)
        finally:
            names = [STOCK, CATALOG, TELEMETRY, "lotledger.excursions.v1", "lotledger.alerts.v1"]
            await delete_topics(settings, [settings.topic(t) for t in names])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lots", type=int, default=2000)
    parser.add_argument("--per-lot", type=int, default=100)
    parser.add_argument("--readings", type=int, default=50_000)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="one rebuild each")
    args = parser.parse_args()
    tune_gc()
    asyncio.run(main(args.lots, args.per_lot, args.readings, args.jobs))
