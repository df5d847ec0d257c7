"""The warehouse-wide expiry-risk report (issue 16): 5,000 products × 10 lots with 90 days
of shipments, bulk-loaded into the alerts facts by COPY (`forecast_fixture`), forecast
once by `lotledger-alerts sweep` as a process (which keeps each product's forecast,
docs/adr/0015 decision 7; its duration is reported), then served by `lotledger-alerts
serve` as a process and replayed by the load generator (`get`, one connection, closed
loop: each request's service time, nothing queued):

- `GET /v1/forecast/expiry-risk?warehouse=…` (the default limit, 1,000 products, read
  from the kept forecasts), target p95 ≤ 500 ms;
- the same with `limit=100`;
- `GET /v1/forecast/expiry-risk?warehouse=…&gtin=…` over 100 products in turn (computed
  live), for comparison.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
from lotledger_bench.context import Context, token
from lotledger_bench.forecast_fixture import WAREHOUSE, gtin, load
from lotledger_bench.gets import latency_figures, replay_gets
from lotledger_bench.processes import free_port, service, wait_healthy
from lotledger_bench.registry import Figure, Outcome, scenario

PRODUCTS = 5_000
LOTS = 10
WINDOW_DAYS = 90
SWEEP_TIMEOUT_S = 900.0


async def _kept(admin_url: str) -> int:
    conn = await asyncpg.connect(admin_url)
    try:
        return int(await conn.fetchval("SELECT count(*) FROM alerts.forecast_latest") or 0)
    finally:
        await conn.close()


@scenario(
    "forecast",
    "Warehouse expiry-risk report",
    "p50/p95/p99 of GET /v1/forecast/expiry-risk for a warehouse of 5,000 products × 10 lots",
)
async def run(ctx: Context) -> Outcome:
    cfg, out = ctx.cfg, Outcome()
    today = datetime.now(UTC).date()
    fixture = await load(
        ctx.env.owner_url("alerts"), "alerts", PRODUCTS, LOTS, WINDOW_DAYS, today, cfg.seed
    )
    out.notes.append(
        f"facts: {fixture.products:,} products × {fixture.lots} lots, "
        f"{fixture.shipment_rows:,} daily shipment rows, loaded by COPY in "
        f"{fixture.load_s:.1f} s"
    )
    env = ctx.env.service_env() | {"LOTLEDGER_ALERTS_SWEEP_INTERVAL_S": "3600"}
    sweeper = ctx.workers.setdefault(
        "alerts-sweep", service("alerts-sweep", env, ctx.logs, "sweep")
    )
    started = time.monotonic()
    sweeper.start()
    try:
        while (kept := await _kept(ctx.env.database_admin_url())) < PRODUCTS:
            if time.monotonic() - started > SWEEP_TIMEOUT_S:
                raise RuntimeError(f"the sweep kept {kept} of {PRODUCTS} forecasts in time")
            await asyncio.sleep(0.5)
        sweep_s = time.monotonic() - started
    finally:
        sweeper.stop()
    out.figures.append(
        Figure(
            "forecast.sweep_s",
            f"first sweep of {PRODUCTS:,} products (process start to every forecast kept)",
            sweep_s,
            "s",
        )
    )
    port = free_port()
    api = ctx.worker("alerts-api", "serve", "--port", str(port))
    base = f"http://127.0.0.1:{port}"
    lg = replace(ctx.loadgen(), url=base, token=token("erp", sub="bench-forecast"))
    report = f"/v1/forecast/expiry-risk?warehouse={WAREHOUSE}"
    try:
        api.start()
        await wait_healthy(base, api)
        with tempfile.TemporaryDirectory(prefix="lotledger-bench-") as tmp:
            for key, title, paths, target in (
                ("report", "warehouse report, 1,000 products", [report], "p95 ≤ 500 ms"),
                ("report_100", "warehouse report, limit 100", [f"{report}&limit=100"], None),
                ("gtin", "one product, live", [f"{report}&gtin={gtin(i)}" for i in range(100)],
                 None),
            ):  # fmt: skip
                result = await replay_gets(lg, Path(tmp), key, title, paths, cfg, "F")
                out.runs.append(result)
                out.figures += latency_figures(
                    f"forecast.{key}",
                    result,
                    f"expiry risk, {title}, {{p}}",
                    {"p95": target} if target else None,
                )
    finally:
        api.stop()
    return out
