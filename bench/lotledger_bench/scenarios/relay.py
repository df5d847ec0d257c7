"""Relay: with the relays stopped, let at least N stock events wait (the batches
scenario's leftovers, topped up through /operations), start the relay and time it until
every one is published (its rate counts from its first publish; the start-up, recovery
scan and producer connect, is reported apart). Then let them pile up again and drain
them with two relays sharing the slots (docs/adr/0018-relay-shares.md): the slots'
cursors are moved past the waiting events while the two relays start and split the
slots, and moved back in one statement, so their rate counts two relays at work, not the
split. The relay reads the event table by cursor (docs/adr/0014)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import asyncpg
from lotledger_bench.context import Context
from lotledger_bench.processes import Process
from lotledger_bench.registry import Figure, Outcome, scenario

from lotledger.inventory.entrypoints.relay import EVENTS_LOCK_KEY
from lotledger.shared.relay_leases import LOCKS
from lotledger.shared.relay_slots import SLOTS, namespace

TOP_UP_MAX_S = 120.0
"""A slow /operations path gets a smaller backlog rather than a longer run."""
SET_ASIDE = (
    "DROP TABLE IF EXISTS inventory.relay_bench_hold",
    "CREATE TABLE inventory.relay_bench_hold AS SELECT * FROM inventory.relay_cursors",
    "UPDATE inventory.relay_cursors c SET (tx, position) = (SELECT e.tx, e.position "
    "FROM inventory.events e WHERE e.slot = c.slot ORDER BY e.tx DESC, e.position DESC LIMIT 1) "
    "WHERE EXISTS (SELECT 1 FROM inventory.events e WHERE e.slot = c.slot)",
)
PUT_BACK = (
    "UPDATE inventory.relay_cursors c SET (tx, position) = (h.tx, h.position) "
    "FROM inventory.relay_bench_hold h WHERE h.slot = c.slot",
    "DROP TABLE inventory.relay_bench_hold",
)


async def _top_up(ctx: Context, missing: int, prefix: str) -> None:
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
        lot_prefix=prefix,
        timeout=120,
    )


async def _split(ctx: Context, relays: int) -> bool:
    """`relays` relays hold the slots between them, evenly."""
    conn = await asyncpg.connect(ctx.env.database_admin_url())
    try:
        rows = await conn.fetch(LOCKS, namespace(EVENTS_LOCK_KEY, "inventory"))
    finally:
        await conn.close()
    held: dict[int, int] = {}
    for r in rows:
        if r["key"] < SLOTS:
            held[r["pid"]] = held.get(r["pid"], 0) + 1
    return len(held) == relays and sorted(held.values()) == [
        SLOTS // relays + (1 if i >= relays - SLOTS % relays else 0) for i in range(relays)
    ]


async def _split_first(ctx: Context, relays: list[Process]) -> float | None:
    """Start `relays` with the waiting events passed by the cursors, wait until they hold
    their shares of the slots, then move the cursors back in one statement.
    Returns how long the split took (None: not within the timeout; the rows go back
    anyway)."""
    conn = await asyncpg.connect(ctx.env.database_admin_url())
    try:
        async with conn.transaction():
            for statement in SET_ASIDE:
                await conn.execute(statement)
        started = time.monotonic()
        for relay in relays:
            relay.start()
        split: float | None = None
        while time.monotonic() - started < ctx.cfg.durations.relay_timeout_s:
            if await _split(ctx, len(relays)):
                split = round(time.monotonic() - started, 2)
                break
            await asyncio.sleep(0.1)
        async with conn.transaction():
            for statement in PUT_BACK:
                await conn.execute(statement)
        return split
    finally:
        await conn.close()


async def _drain(ctx: Context, relays: list[Process], prefix: str) -> dict[str, Any]:
    target = ctx.cfg.durations.relay_events
    if (backlog := await ctx.unpublished()) < target:
        await _top_up(ctx, target - backlog, prefix)
        backlog = await ctx.unpublished()
    first_drop: float | None = None
    split_s: float | None = None
    if len(relays) > 1:
        split_s = await _split_first(ctx, relays)
    else:
        relays[0].start()
    started = time.monotonic()
    curve: list[tuple[float, int]] = [(0.0, backlog)]
    deadline = started + ctx.cfg.durations.relay_timeout_s
    while curve[-1][1] > 0 and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
        left = await ctx.unpublished()
        now = round(time.monotonic() - started, 2)
        if first_drop is None and left < backlog:
            first_drop = curve[-1][0]
        curve.append((now, left))
    for relay in relays:
        relay.stop()
    end, left = curve[-1]
    since = (first_drop or 0.0) if len(relays) == 1 else 0.0
    drain_s = end - since
    return {
        "label": f"{len(relays)} relay(s), drain of {backlog} events",
        "relays": len(relays),
        "backlog": backlog,
        "left": left,
        "startup_s": first_drop,
        "split_s": split_s,
        "measured_events": backlog - left,
        "drain_s": round(drain_s, 2),
        "events_per_s": round((backlog - left) / drain_s, 1) if drain_s > 0 else 0.0,
        "total_s": end,
        "curve": curve,
    }


@scenario(
    "relay",
    "Stock relay",
    "events/s from the event table to Kafka (acks=all, idempotent), backlog to none, "
    "with one relay and with two sharing the slots",
    services=True,
    relay=False,
)
async def run(ctx: Context) -> Outcome:
    out = Outcome()
    assert ctx.relay is not None
    one = await _drain(ctx, [ctx.relay], "T")
    two = await _drain(ctx, [ctx.relay, ctx.worker("inventory-relay2", "relay")], "U")
    out.runs.extend([one, two])
    out.figures.append(
        Figure(
            "relay.events_per_s",
            f"relay, {one['backlog']} events backlog",
            one["events_per_s"],
            "events/s",
            "≥ 20,000 events/s",
        )
    )
    out.figures.append(
        Figure(
            "relay.startup_s", "relay start-up until first publish", one["startup_s"] or 0.0, "s"
        )
    )
    out.figures.append(
        Figure(
            "relay.two_relays_events_per_s",
            f"two relays sharing the slots, {two['measured_events']} events, split before",
            two["events_per_s"],
            "events/s",
        )
    )
    out.figures.append(
        Figure(
            "relay.two_relays_split_s",
            "two relays: start until each holds half the slots",
            two["split_s"] or 0.0,
            "s",
        )
    )
    for run in (one, two):
        if run["left"]:
            out.notes.append(f"{run['label']}: timed out with {run['left']} events left")
    if two["split_s"] is None:
        out.notes.append("the two relays never held half the slots each")
    return out
