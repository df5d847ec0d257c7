"""POST → visible: how long after the API answers an operation its event is visible in
traceability and the alert it causes is raised, with the relay, the traceability
projector and the alerts projector running as processes of their own.

The load is open loop at a fixed rate: the load generator's receipts and picks
(`receipt-pick`) plus the tracked operations. Tracked: on products of the scenario's own
(reorder point 10), one each, a receipt of 20 then a pick of 15 of the same lot, posted
by the bench at a steady rate; each answer starts a sample, on the bench's clock. One
connection polls every 10 ms: a receipt or pick is visible once its history row
(gtin, lot, stream version) is in `traceability.history`, the pick's alert once a
low_stock alert of its product is in `alerts.alerts`. A sample ends at the start of the
poll that first sees it (resolution: the poll interval); what is not seen 30 s after
the last answer is counted as unseen, with its latency so far.

The projectors start at the end of the stock topic, on the catalog from offset zero:
the history of the earlier scenarios is the rebuild's measure (`projection_rebuild`),
not a backlog in front of this one.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import asyncpg
import httpx
from lotledger_bench.context import Context, token
from lotledger_bench.generator import CATALOG, Product
from lotledger_bench.generator.catalog import gtin
from lotledger_bench.infra import commit_group, offsets
from lotledger_bench.latency import Tracker
from lotledger_bench.registry import Figure, Outcome, scenario

from lotledger.alerts.entrypoints.repartition import GROUP as REPARTITION_GROUP
from lotledger.shared.contracts.topics import ALERTS_STOCK_BY_PRODUCT, EXCURSIONS, STOCK, TELEMETRY

COMPANY = "950601"
"""GS1 company prefix of the scenario's products (the generator's catalog uses 950600)."""
LOCATION = "WH1/AMB-A/01"
REORDER_POINT, RECEIVED, PICKED = 10, 20, 15
TARGET_RATE = 500.0
"""The rate of DESIGN §13's target (p99 ≤ 500 ms)."""
POLL_S = 0.01
GRACE_S = 30.0
CATCH_UP_S = 120.0
CONSUMERS = {
    "traceability": (STOCK, TELEMETRY),
    "alerts": (ALERTS_STOCK_BY_PRODUCT, TELEMETRY, EXCURSIONS),
}
"""Projection (schema and consumer name) → topics whose history it skips. The alerts
projector reads stock re-keyed by its repartition stage, whose group starts at the stock
topic's end as well (`skip_history`)."""

TraceKey = tuple[str, str, int]


def products(count: int) -> list[Product]:
    return [
        Product(gtin(COMPANY, n), f"Bench end-to-end {n}", "ambient", False, REORDER_POINT, 1000, 0)
        for n in range(count)
    ]


async def skip_history(ctx: Context) -> None:
    """Store each projection's positions at the current end of the topics it skips."""
    settings = ctx.env.settings()
    conn = await asyncpg.connect(ctx.env.database_admin_url())
    try:
        for schema, topics in CONSUMERS.items():
            _, end = await offsets(settings, [settings.topic(t) for t in topics])
            await conn.executemany(
                f"INSERT INTO {schema}.consumer_positions (consumer, topic, partition, "  # noqa: S608
                "next_offset) VALUES ($1, $2, $3, $4) ON CONFLICT (consumer, topic, partition) "
                "DO UPDATE SET next_offset = EXCLUDED.next_offset",
                [(schema, tp.topic, tp.partition, offset) for tp, offset in end.items()],
            )
    finally:
        await conn.close()
    _, stock_end = await offsets(settings, [settings.topic(STOCK)])
    await commit_group(settings, settings.topic(REPARTITION_GROUP), stock_end)


async def wait_for_catalog(ctx: Context, gtins: list[str]) -> float:
    """Seconds until both projections know every product of the scenario."""
    began = time.monotonic()
    conn = await asyncpg.connect(ctx.env.database_admin_url())
    try:
        while time.monotonic() - began < CATCH_UP_S:
            known = [
                await conn.fetchval(
                    f"SELECT count(*) FROM {schema}.products WHERE gtin = ANY($1::text[])",  # noqa: S608
                    gtins,
                )
                for schema in CONSUMERS
            ]
            if min(known) == len(gtins):
                return time.monotonic() - began
            for process in ctx.workers.values():
                if process.died:
                    raise RuntimeError(f"{process.name} exited; see {process.log}")
            await asyncio.sleep(0.5)
    finally:
        await conn.close()
    raise RuntimeError(f"the projectors did not see the catalog within {CATCH_UP_S:.0f} s")


async def poll(
    ctx: Context, visible: Tracker[TraceKey], alerted: Tracker[str], done: asyncio.Event
) -> int:
    """Poll until `done` and nothing is pending; returns the polls made."""
    conn = await asyncpg.connect(ctx.env.database_admin_url())
    polls = 0
    try:
        while not (done.is_set() and not visible.pending and not alerted.pending):
            began = time.monotonic()
            if keys := visible.pending:
                rows = await conn.fetch(
                    "SELECT h.gtin, h.lot, h.version FROM traceability.history h JOIN "
                    "unnest($1::text[], $2::text[], $3::int[]) AS k(gtin, lot, version) "
                    "USING (gtin, lot, version)",
                    [k[0] for k in keys],
                    [k[1] for k in keys],
                    [k[2] for k in keys],
                )
                visible.seen([(r["gtin"], r["lot"], r["version"]) for r in rows], began)
            if gtins := alerted.pending:
                rows = await conn.fetch(
                    "SELECT DISTINCT gtin FROM alerts.alerts WHERE alert_type = 'low_stock' "
                    "AND gtin = ANY($1::text[])",
                    gtins,
                )
                alerted.seen([r["gtin"] for r in rows], began)
            polls += 1
            await asyncio.sleep(max(0.0, began + POLL_S - time.monotonic()))
    finally:
        await conn.close()
    return polls


async def track(
    client: httpx.AsyncClient,
    product: Product,
    visible: Tracker[TraceKey],
    alerted: Tracker[str],
    failures: dict[str, int],
) -> None:
    """A receipt of a new lot of `product`, then the pick that takes it to its reorder point."""
    lot = f"E2E{product.gtin[-6:]}"
    receipt = {
        "gtin": product.gtin,
        "lot": lot,
        "expiry": (date.today() + timedelta(days=730)).isoformat(),
        "qty": RECEIVED,
        "location": LOCATION,
        "supplier": CATALOG.suppliers[0],
        "reference": f"PO-{lot}",
    }
    pick = {
        "gtin": product.gtin,
        "lot": lot,
        "qty": PICKED,
        "location": LOCATION,
        "order_ref": f"SO-{lot}",
        "ship_to": CATALOG.pharmacies[0],
    }
    for path, body in (("/v1/receipts", receipt), ("/v1/picks", pick)):
        try:
            response = await client.post(path, json=body)
        except httpx.HTTPError as exc:
            failures[type(exc).__name__] = failures.get(type(exc).__name__, 0) + 1
            return
        answered = time.monotonic()
        if response.status_code != 201:
            failures[str(response.status_code)] = failures.get(str(response.status_code), 0) + 1
            return
        (event,) = response.json()["events"]
        visible.start((product.gtin, lot, event["stream_version"]), answered)
        if path == "/v1/picks":
            alerted.start(product.gtin, answered)


async def tracked_operations(
    ctx: Context, items: list[Product], visible: Tracker[TraceKey], alerted: Tracker[str]
) -> dict[str, int]:
    """One product's receipt and pick every 1/rate s (open loop: a slow answer delays
    nothing else); returns the failures by status."""
    rate, failures = ctx.cfg.durations.e2e_tracked_per_s, dict[str, int]()
    headers = {"authorization": f"Bearer {token('scanner', sub='bench-e2e')}"}
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(
        base_url=ctx.url, headers=headers, timeout=30, limits=limits
    ) as client:
        began, tasks = time.monotonic(), []
        for n, product in enumerate(items):
            await asyncio.sleep(max(0.0, began + n / rate - time.monotonic()))
            tasks.append(asyncio.create_task(track(client, product, visible, alerted, failures)))
        await asyncio.gather(*tasks)
    return failures


async def register(ctx: Context, items: list[Product]) -> None:
    headers = {"authorization": f"Bearer {token('admin', sub='bench-admin')}"}
    async with httpx.AsyncClient(base_url=ctx.url, headers=headers, timeout=10) as client:
        for p in items:
            (await client.put(f"/v1/products/{p.gtin}", json=p.body())).raise_for_status()


@dataclass
class Tracked:
    """One rate's tracked operations and what the poller saw of them."""

    visible: Tracker[TraceKey] = field(default_factory=Tracker[TraceKey])
    alerted: Tracker[str] = field(default_factory=Tracker[str])
    failures: dict[str, int] = field(default_factory=dict)
    polls: int = 0


async def at_rate(ctx: Context, rate: float, items: list[Product], n: int) -> dict[str, Any]:
    """The background load at `rate` less the tracked operations, with `items` tracked
    during its measured window; returns the load generator's result with the samples."""
    d = ctx.cfg.durations
    load = asyncio.create_task(
        ctx.loadgen().run(
            mode="rate",
            scenario="receipt-pick",
            picks=ctx.cfg.picks_per_receipt,
            rate=round(max(rate - 2 * d.e2e_tracked_per_s, 1.0), 1),
            c=ctx.cfg.open_connections,
            duration=d.warmup_s + d.e2e_s,
            warmup=d.warmup_s,
            seed=ctx.cfg.seed,
            lot_prefix=f"E{n}",
        )
    )
    await asyncio.sleep(d.warmup_s)
    tracked, done = Tracked(), asyncio.Event()
    poller = asyncio.create_task(poll(ctx, tracked.visible, tracked.alerted, done))
    tracked.failures = await tracked_operations(ctx, items, tracked.visible, tracked.alerted)
    done.set()
    last = time.monotonic()
    try:
        tracked.polls = await asyncio.wait_for(asyncio.shield(poller), GRACE_S)
    except TimeoutError:
        tracked.visible.close(last + GRACE_S)
        tracked.alerted.close(last + GRACE_S)
        tracked.polls = await poller
    result = await load
    return record(ctx, rate, result, tracked)


def record(ctx: Context, rate: float, result: dict[str, Any], t: Tracked) -> dict[str, Any]:
    answered = result["summary"]["ok_rate"] + len(t.visible.started) / ctx.cfg.durations.e2e_s
    result |= {
        "label": f"end to end at {rate:g} ops/s (receipt-pick at {result['target_rate']:g}/s "
        "and the tracked operations)",
        "rate": rate,
        "answered_rate": round(answered, 1),
        "visible": t.visible.summary(),
        "alert": t.alerted.summary(),
        "visible_ms": t.visible.in_order(),
        "alert_ms": t.alerted.in_order(),
        "tracked_failures": t.failures,
        "polls": t.polls,
    }
    return result


def figures(out: Outcome, result: dict[str, Any], target: str | None) -> None:
    rate = result["rate"]
    tag, at = f"at_{rate:g}ps", f"at {rate:g} ops/s"
    for key, label in (
        ("visible", "POST → visible in traceability"),
        ("alert", "POST → low_stock alert raised"),
    ):
        stats = result[key]
        out.figures.append(
            Figure(f"end_to_end.{key}_p50_ms_{tag}", f"{label}, p50 {at}", stats["p50"], "ms")
        )
        out.figures.append(
            Figure(
                f"end_to_end.{key}_p99_ms_{tag}", f"{label}, p99 {at}", stats["p99"], "ms", target
            )
        )
    out.figures.append(
        Figure(
            f"end_to_end.answered_ops_{tag}",
            f"2xx answers/s, {rate:g} ops/s offered",
            result["answered_rate"],
            "ops/s",
        )
    )
    v, a, failed = result["visible"], result["alert"], result["tracked_failures"]
    out.notes.append(
        f"at {rate:g} ops/s: {v['count']} receipts and picks and {a['count']} alerts tracked; "
        f"unseen {GRACE_S:.0f} s after the last answer: {v['unseen']} events, "
        f"{a['unseen']} alerts" + (f"; tracked POSTs failed: {failed}" if failed else "")
    )


@scenario(
    "end_to_end",
    "POST → visible",
    "p50/p99 from a POST's answer to its event in traceability and to the alert it raises, "
    "under open-loop load",
    services=True,
)
async def run(ctx: Context) -> Outcome:
    d, out = ctx.cfg.durations, Outcome()
    per_rate = round(d.e2e_s * d.e2e_tracked_per_s)
    rates = sorted(d.e2e_rates)
    items = products(per_rate * len(rates))
    await register(ctx, items)
    await skip_history(ctx)
    projectors = [
        ctx.worker("traceability-project", "project"),
        ctx.worker("alerts-project", "project"),
    ]
    try:
        for process in projectors:
            process.start()
        catch_up = await wait_for_catalog(ctx, [p.gtin for p in items])
        for n, rate in enumerate(rates):
            result = await at_rate(ctx, rate, items[n * per_rate : (n + 1) * per_rate], n)
            out.runs.append(result)
            figures(out, result, "p99 ≤ 500 ms" if rate == TARGET_RATE else None)
    finally:
        for process in projectors:
            process.stop()
    out.notes.append(
        f"{d.e2e_tracked_per_s:g} tracked products/s (a receipt and a pick each), polled every "
        f"{POLL_S * 1000:.0f} ms; the projectors knew the catalog {catch_up:.1f} s after "
        "starting at the end of the stock topic"
    )
    return out
