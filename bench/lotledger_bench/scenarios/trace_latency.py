"""Lot trace and stock-as-of latency on a large read model: bulk-load the traceability
schema with `--trace-events` stock events (`trace_fixture`: one lot of 10,000 events among
20-event lots; 1 million by default, 10 million is DESIGN §13's reference), serve it with
`lotledger-traceability serve` as a process of its own, and replay GETs with the load
generator (`get`, one connection, closed loop: each request's service time, nothing
queued):

- the big lot's trace, `/v1/lots/{gtin}/{lot}/trace` (about 4 MB of JSON);
- stock as of instants spread evenly over the history, at each cold-room location in
  turn, `/v1/stock/as-of?at=…&location=…` (the first page, 100 lines).
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlencode

from lotledger_bench.context import Context, token
from lotledger_bench.gets import latency_figures, replay_gets
from lotledger_bench.processes import free_port, wait_healthy
from lotledger_bench.registry import Figure, Outcome, scenario
from lotledger_bench.synthetic import GTIN, PLACES
from lotledger_bench.trace_fixture import BIG, Fixture, load

from lotledger.shared.envelope import format_time
from lotledger.shared.urls import lot_segment

AS_OF_INSTANTS = 60


def as_of_paths(fixture: Fixture, count: int = AS_OF_INSTANTS) -> list[str]:
    span = fixture.last - fixture.first
    return [
        "/v1/stock/as-of?"
        + urlencode(
            {
                "at": format_time(fixture.first + span * (i + 0.5) / count),
                "location": PLACES[i % len(PLACES)],
            }
        )
        for i in range(count)
    ]


def trace_path() -> str:
    return f"/v1/lots/{GTIN}/{lot_segment(BIG)}/trace"


@scenario(
    "trace_latency",
    "Lot trace and stock-as-of",
    "p50/p95/p99 of GET lot trace (10,000 events) and stock-as-of on a bulk-loaded read "
    "model (1 million events by default, 10 million with --trace-events 10000000)",
)
async def run(ctx: Context) -> Outcome:
    cfg, d, out = ctx.cfg, ctx.cfg.durations, Outcome()
    fixture = await load(
        ctx.env.owner_url("traceability"),
        "traceability",
        d.trace_events,
        cfg.trace_big_events,
        seed=cfg.seed,
        jobs=cfg.trace_load_jobs,
    )
    out.notes.append(
        f"read model: {fixture.events:,} events ({fixture.small_lots:,} lots of 20 and one of "
        f"{fixture.big_events:,}) loaded in {fixture.load_s:.0f} s ({fixture.rate:,.0f} "
        f"events/s, {cfg.trace_load_jobs} processes), vacuumed and analysed in "
        f"{fixture.vacuum_s:.0f} s"
    )
    out.figures.append(
        Figure(
            "trace_latency.read_model_build_s",
            f"read model of {fixture.events:,} events built by COPY (load, vacuum, analyse)",
            fixture.load_s + fixture.vacuum_s,
            "s",
        )
    )
    port = free_port()
    api = ctx.worker("traceability-api", "serve", "--port", str(port))
    base = f"http://127.0.0.1:{port}"
    lg = replace(ctx.loadgen(), url=base, token=token("regulator", sub="bench-regulator"))
    try:
        api.start()
        await wait_healthy(base, api)
        with tempfile.TemporaryDirectory(prefix="lotledger-bench-") as tmp:
            for key, title, paths in (
                ("trace", f"lot trace, {fixture.big_events:,} events", [trace_path()]),
                ("as_of", "stock as of, one location", as_of_paths(fixture)),
            ):
                result = await replay_gets(lg, Path(tmp), key, title, paths, cfg, "G")
                out.runs.append(result)
                out.figures += latency_figures(
                    f"trace_latency.{key}",
                    result,
                    f"{title}, {{p}} ({fixture.events:,}-event read model)",
                    {"p99": "p99 ≤ 50 ms"} if key == "trace" else None,
                )
    finally:
        api.stop()
    return out
