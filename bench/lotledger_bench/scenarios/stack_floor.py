"""Raw limit of our own stack: `floor_app` (FastAPI + pydantic + asyncpg, one INSERT per
POST) driven by the same load generator and receipt/pick mix as `single_post`, closed
loop at the same connection counts, with one uvicorn worker and with the API's worker
count. Single POST is reported as a ratio of the best of these (issue 20: goal ≥ 0.5).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import asyncpg
from lotledger_bench.config import REPO
from lotledger_bench.context import Context
from lotledger_bench.floor_app import FLOOR_DDL
from lotledger_bench.processes import Process, free_port, wait_healthy
from lotledger_bench.registry import Figure, Outcome, scenario
from lotledger_bench.scenarios.single_post import SCENARIO


def _floor(ctx: Context, port: int, workers: int) -> Process:
    env = {
        **ctx.env.service_env(),
        "FLOOR_DATABASE_URL": ctx.env.database_admin_url(),
        "PYTHONPATH": str(REPO / "bench"),
    }
    argv = [
        str(REPO / ".venv/bin/uvicorn"),
        "lotledger_bench.floor_app:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    return Process(f"stack-floor-{workers}", argv, env, ctx.logs / f"stack-floor-{workers}.log")


@scenario(
    "stack_floor",
    "Raw limit: our stack's floor (FastAPI + pydantic + asyncpg, one INSERT per POST)",
    "max req/s of the single_post mix against a minimal endpoint, 1 worker and the API's",
)
async def run(ctx: Context) -> Outcome:
    conn = await asyncpg.connect(ctx.env.database_admin_url())
    try:
        await conn.execute(FLOOR_DDL)
    finally:
        await conn.close()
    cfg, d, out = ctx.cfg, ctx.cfg.durations, Outcome()
    best: dict[str, Any] | None = None
    for workers in sorted({1, cfg.api_workers}):
        port = free_port()
        process = _floor(ctx, port, workers)
        process.start()
        try:
            await wait_healthy(f"http://127.0.0.1:{port}", process)
            lg = replace(ctx.loadgen(), url=f"http://127.0.0.1:{port}")
            for i, conns in enumerate(cfg.closed_connections):
                result = await lg.run(
                    mode="max",
                    c=conns,
                    duration=d.warmup_s + d.closed_s,
                    warmup=d.warmup_s,
                    lot_prefix=f"F{workers}{i}",
                    scenario=SCENARIO,
                    picks=cfg.picks_per_receipt,
                    seed=cfg.seed,
                )
                result["label"] = f"{workers} worker(s), closed loop, {conns} connections"
                out.runs.append(result)
                if best is None or result["summary"]["ok_rate"] > best["summary"]["ok_rate"]:
                    best = result
        finally:
            process.stop()
    assert best is not None
    floor = float(best["summary"]["ok_rate"])
    out.figures.append(
        Figure("stack_floor.max_req", f"max req/s ({best['label']})", floor, "req/s")
    )
    single = ctx.outcomes.get("single_post")
    measured = single.figure("single_post.max_ops") if single else None
    if measured is not None and floor > 0:
        out.figures.append(
            Figure(
                "single_post.floor_ratio",
                "single POST max ÷ our stack's floor",
                round(measured.value / floor, 3),
                "×",
                "≥ 0.5",
            )
        )
    return out
