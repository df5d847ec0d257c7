"""`/v1/operations` batches: closed loop with the bench's append concurrency, each request
N operations (a receipt of a new lot and picks of it, repeated), one transaction each.
Run with the relay stopped: the events it leaves unpublished are the relay's backlog.

events/s is counted in the store: events committed between the end of the warm-up and the
end of the run, over that window (requests of 1,000 operations take seconds each, so
counting whole requests would quantise the figure)."""

from __future__ import annotations

import asyncio
import time

from lotledger_bench.context import Context
from lotledger_bench.registry import Figure, Outcome, scenario


@scenario(
    "batches",
    "/v1/operations batches",
    "events/s appended (events, batch states and stock lines, one transaction per request)",
    services=True,
    relay=False,
)
async def run(ctx: Context) -> Outcome:
    cfg, d = ctx.cfg, ctx.cfg.durations
    lg, out = ctx.loadgen(), Outcome()
    for i, size in enumerate(cfg.batch_sizes):
        started = time.monotonic()
        task = asyncio.create_task(
            lg.run(
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
        )
        await asyncio.sleep(d.warmup_s)
        first, t1 = await ctx.events(), time.monotonic()
        await asyncio.sleep(max(0.0, started + d.warmup_s + d.batches_s - time.monotonic()))
        last, t2 = await ctx.events(), time.monotonic()
        result = await task
        rate = round((last - first) / (t2 - t1), 1)
        result["label"] = f"{size} operations per request, {cfg.append_concurrency} clients"
        result["events_in_window"] = last - first
        result["window_s"] = round(t2 - t1, 2)
        out.runs.append(result)
        out.figures.append(
            Figure(
                f"batches.events_per_s_{size}",
                f"events/s, {size} operations per request",
                rate,
                "events/s",
                "≥ 20,000 events/s",
            )
        )
    out.notes.append(
        "each operation appends one event (a receipt, or a pick of an explicit lot); "
        "events/s counts events committed in the measured window"
    )
    return out
