"""Relay: with the relay stopped, let the outbox fill to at least N events (the batches
scenario's leftovers, topped up through /operations), start the relay and time it until
the outbox is empty. The start-up (recovery scan, producer connect) is reported apart."""

from __future__ import annotations

import asyncio
import time

from lotledger_bench.context import Context
from lotledger_bench.registry import Figure, Outcome, scenario

TOP_UP_MAX_S = 120.0
"""A slow /operations path gets a smaller backlog rather than a longer run."""


async def _top_up(ctx: Context, missing: int) -> None:
    rate = 2000.0
    if (batches := ctx.outcomes.get("batches")) and batches.figures[0].value > 0:
        rate = batches.figures[0].value
    await ctx.loadgen().run(
        mode="max",
        scenario="operations",
        batch=ctx.cfg.batch_sizes[0],
        picks=ctx.cfg.picks_per_receipt,
        c=ctx.cfg.append_concurrency,
        duration=min(missing / rate * 1.3 + 2, TOP_UP_MAX_S),
        warmup=0.5,
        seed=ctx.cfg.seed,
        lot_prefix="T",
        timeout=120,
    )


@scenario(
    "relay",
    "Outbox relay",
    "events/s from the outbox to Kafka (acks=all, idempotent), outbox full to empty",
    services=True,
    relay=False,
)
async def run(ctx: Context) -> Outcome:
    target, out = ctx.cfg.durations.relay_events, Outcome()
    if (backlog := await ctx.outbox()) < target:
        await _top_up(ctx, target - backlog)
        backlog = await ctx.outbox()
    assert ctx.relay is not None
    started = time.monotonic()
    ctx.relay.start()
    curve: list[tuple[float, int]] = [(0.0, backlog)]
    first_drop: float | None = None
    deadline = started + ctx.cfg.durations.relay_timeout_s
    while curve[-1][1] > 0 and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
        left = await ctx.outbox()
        now = time.monotonic() - started
        if first_drop is None and left < backlog:
            first_drop = curve[-1][0]
        curve.append((round(now, 2), left))
    end, left = curve[-1]
    published = backlog - left
    drain_s = end - (first_drop or 0.0)
    rate = published / drain_s if drain_s > 0 else 0.0
    out.runs.append(
        {
            "label": f"relay drain of {backlog} events",
            "backlog": backlog,
            "left": left,
            "startup_s": first_drop,
            "drain_s": round(drain_s, 2),
            "total_s": end,
            "curve": curve,
        }
    )
    out.figures.append(
        Figure(
            "relay.events_per_s",
            f"relay, {backlog} events backlog",
            round(rate, 1),
            "events/s",
            "≥ 20,000 events/s",
        )
    )
    out.figures.append(
        Figure("relay.startup_s", "relay start-up until first publish", first_drop or 0.0, "s")
    )
    if left:
        out.notes.append(f"timed out with {left} events still in the outbox")
    return out
