"""Console page latency: the lot page of an ordinary lot (a receipt, a move, three picks,
a disposal) rendered by `lotledger-console serve`, beside the API calls it makes.

The bench's inventory API and relay, the traceability projector (positions at the end of
the topics, so it projects only what this scenario posts) and the traceability and alerts
APIs run as processes; the console runs as one more, pointed at them. One connection,
closed loop (each request's service time, nothing queued), after a warm-up:

- `GET /lots/{gtin}/{lot}` on the console, signed in with a regulator's token (cookie);
- the five API calls that page makes (traceability summary, trace, verify, excursions;
  inventory batch), side by side as the console makes them, with the same token.

The console's own `Server-Timing` (its time, and its API calls' summed time) is reported
too. Target (issue 15): the page p95 ≤ 200 ms.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import httpx
from lotledger_bench.context import Context, token
from lotledger_bench.generator import CATALOG
from lotledger_bench.latency import summary
from lotledger_bench.processes import free_port, service, wait_healthy
from lotledger_bench.registry import Figure, Outcome, scenario
from lotledger_bench.scenarios.end_to_end import skip_history

LOT = "CONSOLE-1"
STEPS = 6
SESSION_COOKIE = "lotledger_session"


def ordinary_lot() -> tuple[str, str, str]:
    """(gtin, first location, second location): a product with two storage rooms."""
    for p in CATALOG.products:
        rooms = CATALOG.storage(p.storage_class)
        if len(rooms) >= 2:
            return p.gtin, rooms[0].location_id, rooms[1].location_id
    raise RuntimeError("the catalog has no product with two storage locations")


async def post_lot(ctx: Context, gtin: str, a: str, b: str) -> None:
    headers = {"authorization": f"Bearer {token('scanner', 'qa', sub='bench-console')}"}
    k = {"gtin": gtin, "lot": LOT}
    shops = CATALOG.pharmacies
    steps: list[tuple[str, dict[str, object]]] = [
        (
            "/v1/receipts",
            {**k, "expiry": "2030-06-30", "qty": 120, "location": a,
             "supplier": CATALOG.suppliers[0], "reference": "PO-CONSOLE"},
        ),
        ("/v1/moves", {**k, "qty": 40, "from_location": a, "to_location": b}),
        *[
            ("/v1/picks", {**k, "qty": 10 + i, "location": a if i else b,
                           "order_ref": f"SO-CONSOLE-{i}", "ship_to": shops[i]})
            for i in range(3)
        ],
        ("/v1/disposals", {**k, "qty": 2, "location": a, "reason": "damaged"}),
    ]  # fmt: skip
    async with httpx.AsyncClient(base_url=ctx.url, headers=headers, timeout=10) as client:
        for path, body in steps:
            (await client.post(path, json=body)).raise_for_status()


async def visible(base: str, path: str, bearer: str, version: int, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    async with httpx.AsyncClient(base_url=base, timeout=5) as client:
        while time.monotonic() < deadline:
            r = await client.get(path, headers={"authorization": f"Bearer {bearer}"})
            if r.status_code == 200 and r.json()["version"] >= version:
                return
            await asyncio.sleep(0.2)
    raise RuntimeError(f"{path} not projected to version {version} in {timeout_s:.0f} s")


async def timed(
    call: Callable[[], Awaitable[None]], warmup_s: float, measure_s: float
) -> list[float]:
    """Milliseconds of each call in the measured window (closed loop, one at a time)."""
    end_warmup = time.monotonic() + warmup_s
    while time.monotonic() < end_warmup:
        await call()
    samples: list[float] = []
    end = time.monotonic() + measure_s
    while time.monotonic() < end:
        started = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def server_timing(header: str) -> dict[str, float]:
    """`api;dur=12.3;desc="5 calls", app;dur=20.1` → {"api": 12.3, "app": 20.1}."""
    out: dict[str, float] = {}
    for part in header.split(","):
        name, *params = [p.strip() for p in part.split(";")]
        for p in params:
            if p.startswith("dur="):
                out[name] = float(p[4:])
    return out


@scenario(
    "console",
    "Console lot page",
    "p50/p95/p99 of the console's lot page for an ordinary lot, beside the API calls it makes",
    services=True,
)
async def run(ctx: Context) -> Outcome:
    d, out = ctx.cfg.durations, Outcome()
    gtin, a, b = ordinary_lot()
    await skip_history(ctx)
    ctx.worker("traceability-projector", "project").start()
    ports = {name: free_port() for name in ("traceability", "alerts", "console")}
    apis = {
        name: ctx.worker(f"{name}-api", "serve", "--port", str(ports[name]))
        for name in ("traceability", "alerts")
    }
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    console = service(
        "console",
        {
            **ctx.env.service_env(),
            "LOTLEDGER_CONSOLE_INVENTORY_URL": ctx.url,
            "LOTLEDGER_CONSOLE_TRACEABILITY_URL": urls["traceability"],
            "LOTLEDGER_CONSOLE_ALERTS_URL": urls["alerts"],
        },
        ctx.logs,
        "serve",
        "--port",
        str(ports["console"]),
    )
    ctx.workers["console"] = console
    regulator = token("regulator", sub="bench-regulator")
    lot_path = f"/v1/lots/{gtin}/{LOT}"
    try:
        for name, process in apis.items():
            process.start()
            await wait_healthy(urls[name], process)
        await post_lot(ctx, gtin, a, b)
        await visible(urls["traceability"], lot_path, regulator, STEPS, 120)
        console.start()
        await wait_healthy(urls["console"], console)
        page_timings: list[dict[str, float]] = []
        bearer = {"authorization": f"Bearer {regulator}"}
        async with (
            httpx.AsyncClient(
                base_url=urls["console"], cookies={SESSION_COOKIE: regulator}, timeout=30
            ) as page_client,
            httpx.AsyncClient(headers=bearer, timeout=30) as api,
        ):

            async def page() -> None:
                r = await page_client.get(f"/lots/{gtin}/{LOT}")
                r.raise_for_status()
                page_timings.append(server_timing(r.headers.get("server-timing", "")))

            async def calls() -> None:
                t = urls["traceability"]
                answers = await asyncio.gather(
                    api.get(f"{t}{lot_path}"),
                    api.get(f"{t}{lot_path}/trace"),
                    api.get(f"{t}{lot_path}/verify"),
                    api.get(f"{t}{lot_path}/excursions"),
                    api.get(f"{ctx.url}/v1/batches/{gtin}/{LOT}"),
                )
                for r in answers:
                    r.raise_for_status()

            measure = d.trace_s
            runs = {
                "page": await timed(page, d.warmup_s, measure),
                "api": await timed(calls, d.warmup_s, measure),
            }
        own = [t.get("app", 0.0) for t in page_timings[-len(runs["page"]) :]]
        titles = {
            "page": "console lot page (client-observed)",
            "api": "its 5 API calls side by side",
        }
        for key, samples in runs.items():
            stats = summary(samples)
            out.runs.append(
                {
                    "label": f"GET {titles[key]}, 1 connection",
                    "summary": {"status": {"200": len(samples)}, "latency_ms": stats},
                }
            )
            for p in ("p50", "p95", "p99"):
                out.figures.append(
                    Figure(
                        f"console.{key}_{p}_ms",
                        f"{titles[key]}, {p}",
                        stats[p],
                        "ms",
                        "p95 ≤ 200 ms" if key == "page" and p == "p95" else None,
                    )
                )
        own_stats = summary(own)
        out.figures.append(
            Figure("console.server_p95_ms", "console lot page, server time (Server-Timing) p95",
                   own_stats["p95"], "ms")
        )  # fmt: skip
        out.notes.append(
            f"ordinary lot {gtin}/{LOT}: {STEPS} events, 2 locations, 3 consignees; "
            f"{len(runs['page'])} page requests, {len(runs['api'])} rounds of the API calls"
        )
    finally:
        for process in (console, *apis.values(), ctx.workers["traceability-projector"]):
            process.stop()
    return out
