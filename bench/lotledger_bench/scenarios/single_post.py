"""Single-operation POSTs: a receipt of a new lot, then picks of that lot by the same
client (1 receipt : 3 picks), each its own request and transaction.

1. closed loop at each connection count: the highest 2xx rate is the max throughput;
2. open loop at fractions of that max and at DESIGN §13's 750/s: latency percentiles from
   each request's intended send time.
"""

from __future__ import annotations

import asyncio
from typing import Any

from lotledger_bench.context import Context
from lotledger_bench.registry import Figure, Outcome, scenario

SCENARIO = "receipt-pick"
SETTLE_S = 5.0
"""Pause after an overloaded open-loop run, so the requests the service is still working
through do not weigh on the next run."""


def _latency(run: dict[str, Any]) -> dict[str, float]:
    latency: dict[str, float] = run["summary"]["latency_ms"]
    return latency


@scenario(
    "single_post",
    "Single-operation POST",
    "max ops/s (closed loop), then p50/p95/p99/p99.9 at fixed rates (open loop)",
    services=True,
)
async def run(ctx: Context) -> Outcome:
    cfg, d = ctx.cfg, ctx.cfg.durations
    lg, out = ctx.loadgen(), Outcome()
    common = {"scenario": SCENARIO, "picks": cfg.picks_per_receipt, "seed": cfg.seed}
    best: dict[str, Any] | None = None
    for i, conns in enumerate(cfg.closed_connections):
        result = await lg.run(
            mode="max",
            c=conns,
            duration=d.warmup_s + d.closed_s,
            warmup=d.warmup_s,
            lot_prefix=f"M{i}",
            **common,
        )
        result["label"] = f"closed loop, {conns} connections"
        out.runs.append(result)
        if best is None or result["summary"]["ok_rate"] > best["summary"]["ok_rate"]:
            best = result
    assert best is not None
    max_rate = float(best["summary"]["ok_rate"])
    out.figures.append(
        Figure(
            "single_post.max_ops",
            f"max throughput ({best['label']})",
            max_rate,
            "ops/s",
            "≥ 1,500 ops/s",
        )
    )
    points = [(f"{round(f * 100)} % of max", f * max_rate) for f in cfg.open_fractions]
    points += [(f"{rate:g}/s (DESIGN §13)", rate) for rate in cfg.open_fixed_rates]
    for j, (label, rate) in enumerate(points):
        if rate < 1:
            continue
        result = await lg.run(
            mode="rate",
            rate=round(rate, 1),
            c=cfg.open_connections,
            duration=d.warmup_s + d.open_s,
            warmup=d.warmup_s,
            lot_prefix=f"R{j}",
            **common,
        )
        result["label"] = f"open loop at {label}"
        out.runs.append(result)
        if result["summary"]["status"].keys() - {"201"}:
            await asyncio.sleep(SETTLE_S)
        lat = _latency(result)
        tag = label.split(" ")[0].replace("/s", "ps")
        if "DESIGN" in label:
            out.figures.append(
                Figure(
                    f"single_post.p99_at_{tag}",
                    f"p99 at {rate:g} ops/s",
                    lat["p99"],
                    "ms",
                    "≤ 25 ms",
                )
            )
            continue
        for p in ("p50", "p95", "p99", "p99_9"):
            out.figures.append(
                Figure(
                    f"single_post.{p}_at_{tag}pct",
                    f"{p.replace('_', '.')} at {label} ({rate:.0f} ops/s)",
                    lat[p],
                    "ms",
                )
            )
    return out
