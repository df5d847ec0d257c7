"""`python -m lotledger_bench [--quick] [--only a,b] [--out DIR] [--seed N] [--keep-database]
[--api-workers N] [--trace-events N] [--database NAME] | --render-benchmarks RUN_DIR`"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from lotledger_bench.benchmarks import render
from lotledger_bench.config import DEFAULT_OUT, BenchConfig
from lotledger_bench.report import load
from lotledger_bench.runner import main

from lotledger.inventory.settings import InventorySettings


def cli() -> int:
    parser = argparse.ArgumentParser(prog="python -m lotledger_bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short smoke run")
    parser.add_argument("--only", default="", help="comma-separated scenario names")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="results directory")
    parser.add_argument("--seed", type=int, default=BenchConfig.seed)
    parser.add_argument(
        "--keep-database", action="store_true", help="leave lotledger_bench in place for inspection"
    )
    parser.add_argument(
        "--api-workers",
        type=int,
        default=None,
        help="uvicorn workers of the bench's API (default: LOTLEDGER_API_WORKERS, as "
        "`lotledger-inventory serve`)",
    )
    parser.add_argument(
        "--trace-events",
        type=int,
        help="stock events in trace_latency's read model (default 1,000,000, 100,000 with "
        "--quick; DESIGN §13's reference is 10,000,000)",
    )
    parser.add_argument(
        "--database",
        default=BenchConfig.database,
        help="the database a run drops and creates (runs on different databases do not wait "
        "for each other)",
    )
    parser.add_argument(
        "--render-benchmarks",
        type=Path,
        metavar="RUN_DIR",
        help="print BENCHMARKS.md's tables from a run's results.json",
    )
    args = parser.parse_args()
    if args.render_benchmarks:
        print(render(load(args.render_benchmarks)), end="")
        return 0
    cfg = BenchConfig(
        seed=args.seed,
        out_dir=args.out,
        keep=args.keep_database,
        database=args.database,
        api_workers=args.api_workers or InventorySettings().api_workers,
        only=tuple(n for n in args.only.split(",") if n),
    )
    if args.quick:
        cfg = cfg.quick()
    if args.trace_events:
        cfg = replace(cfg, durations=replace(cfg.durations, trace_events=args.trace_events))
    return main(cfg)


raise SystemExit(cli())
