"""`/v1/operations` batches: closed loop with the bench's append concurrency, each request
N operations (a receipt of a new lot and picks of it, repeated), one transaction each.
Run with the relay stopped: the events it leaves in the outbox are the relay's backlog."""

from __future__ import annotations

import time

from lotledger_bench.context import Context
from lotledger_bench.registry import Figure, Outcome, scenario


@scenario(
    "batches",
    "/v1/operations batches",
    "events/s appended (store + outbox, one transaction per request)",
    services=True,
    relay=False,
)
async def run(ctx: Context) -> Outcome:
    cfg, d = ctx.cfg, ctx.cfg.durations
    lg, out = ctx.loadgen(), Outcome()
    for i, size in enumerate(cfg.batch_sizes):
        before, started = await ctx.events(), time.monotonic()
        result = await lg.run(
            mode="max",
            scenario="operations",
            batch=size,
            picks=cfg.picks_per_receipt,
            c=cfg.append_concurrency,
            duration=d.warmup_s + d.batches_s,
            warmup=d.warmup_s,
            seed=cfg.seed,
            lot_prefix=f"O{i}",
            timeout=120,
        )
        appended, elapsed = await ctx.events() - before, time.monotonic() - started
        result["label"] = f"{size} operations per request, {cfg.append_concurrency} clients"
        result["events_appended"] = appended
        result["events_per_s_whole_run"] = round(appended / elapsed, 1)
        out.runs.append(result)
        out.figures.append(
            Figure(
                f"batches.events_per_s_{size}",
                f"events/s, {size} operations per request",
                float(result["summary"]["ops_accepted_rate"]),
                "events/s",
                "≥ 20,000 events/s",
            )
        )
    out.notes.append(
        "each operation appends one event (receipt or explicit-lot pick); events/s is "
        "accepted operations per second in the measured window; the database's own count "
        "over the whole run (warm-up included) is in the JSON as events_per_s_whole_run"
    )
    return out
