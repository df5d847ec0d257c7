"""Projection rebuild: `lotledger-traceability rebuild` replays the run's topics from
offset zero into the rebuild schema, once per `--jobs` setting, as a process of its own.

The topics hold what the earlier scenarios posted through the API and the relay
published; when they hold fewer records than the run's floor (a `--only` run, or a slow
machine), a synthetic history (100-event lots of one product) tops them up first. The
rate is the command's own: records applied over the replay, from the first catalog
record to the last stock record; process start, schema reset and migrations are
reported apart. Nothing else runs meanwhile (the API and the relay are stopped).

Alerts' rebuild (`lotledger-alerts rebuild`, docs/adr/0013) restores facts and alerts
without evaluating any rule; it is not measured here. Its projector is exercised by
`end_to_end`.
"""

from __future__ import annotations

import re
import time

from lotledger_bench.context import Context
from lotledger_bench.infra import offsets
from lotledger_bench.processes import run_once
from lotledger_bench.registry import Figure, Outcome, scenario
from lotledger_bench.synthetic import publish

from lotledger.shared.contracts.topics import CATALOG, STOCK, TELEMETRY

REBUILT = re.compile(
    r"rebuilt (?P<schema>\S+): (?P<records>\d+) records in (?P<s>[\d.]+) s "
    r"\((?P<rate>[\d,]+) records/s\)"
)
PER_LOT = 100
SLOWEST = 2000.0
"""records/s under which a rebuild is given up as stuck."""


def parse(output: str) -> tuple[int, float, float]:
    """Records, seconds and records/s from the command's `rebuilt …` line."""
    match = REBUILT.search(output)
    if match is None:
        raise RuntimeError(f"no 'rebuilt' line in the rebuild's output: {output[-2000:]}")
    return int(match["records"]), float(match["s"]), float(match["rate"].replace(",", ""))


def figure_key(jobs: int) -> str:
    suffix = "" if jobs == 1 else f"_jobs{jobs}"
    return f"projection_rebuild.traceability_events_per_s{suffix}"


@scenario(
    "projection_rebuild",
    "Projection rebuild",
    "records/s of `lotledger-traceability rebuild` (--jobs 1, 2) from offset zero",
)
async def run(ctx: Context) -> Outcome:
    settings, out = ctx.env.settings(), Outcome()
    topics = [settings.topic(t) for t in (CATALOG, STOCK, TELEMETRY)]
    first, end = await offsets(settings, topics)
    held = sum(end[tp] - first[tp] for tp in end)
    floor, synthetic = ctx.cfg.durations.rebuild_min_events, 0
    if held < floor:
        began = time.monotonic()
        lots = -(-(floor - held) // PER_LOT)
        synthetic = await publish(settings, lots, PER_LOT, seed=ctx.cfg.seed, lot_prefix="P")
        out.notes.append(
            f"the topics held {held:,} records; {synthetic:,} synthetic ones ({lots:,} lots "
            f"of {PER_LOT} stock events) were published first, in "
            f"{time.monotonic() - began:.1f} s"
        )
    for jobs in ctx.cfg.rebuild_jobs:
        began = time.monotonic()
        output = await run_once(
            "traceability-rebuild",
            ctx.env.service_env(),
            ctx.logs,
            "rebuild",
            "--jobs",
            str(jobs),
            timeout_s=60 + (held + synthetic) / SLOWEST,
        )
        wall = time.monotonic() - began
        records, seconds, rate = parse(output)
        out.runs.append(
            {
                "label": f"traceability rebuild, --jobs {jobs}",
                "jobs": jobs,
                "records": records,
                "replay_s": seconds,
                "process_s": round(wall, 2),
                "outside_replay_s": round(wall - seconds, 2),
                "topic_records": held,
                "synthetic_records": synthetic,
            }
        )
        out.figures.append(
            Figure(
                figure_key(jobs),
                f"traceability, {records:,} records, {jobs} process{'es' if jobs > 1 else ''}",
                rate,
                "events/s",
                "≥ 20,000 events/s",
            )
        )
    out.notes.append(
        "alerts: its rebuild (facts restored without evaluating rules, alerts from their own "
        "topic; docs/adr/0013) is not measured here; its projector runs in end_to_end"
    )
    return out
