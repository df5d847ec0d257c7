"""Read-side latency: a list of GET paths replayed by the load generator on one connection,
closed loop (each request's service time, nothing queued), and its percentiles as figures."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from lotledger_bench.config import BenchConfig
from lotledger_bench.loadgen import Loadgen
from lotledger_bench.registry import Figure

PERCENTILES = ("p50", "p95", "p99")


async def replay_gets(
    lg: Loadgen,
    directory: Path,
    key: str,
    title: str,
    paths: list[str],
    cfg: BenchConfig,
    lot_prefix: str,
) -> dict[str, Any]:
    """The load generator's result of replaying `paths` for the read-side warm-up and
    duration, labelled with `title` and the first paths."""
    urls = directory / f"{key}.txt"
    urls.write_text("\n".join(paths) + "\n")
    d = cfg.durations
    result: dict[str, Any] = await lg.run(
        mode="max",
        scenario="get",
        urls=urls,
        c=1,
        duration=d.warmup_s + d.trace_s,
        warmup=d.warmup_s,
        seed=cfg.seed,
        lot_prefix=lot_prefix,
        timeout=60,
    )
    result["label"] = f"GET {title}, 1 connection"
    result["paths"] = paths[:3]
    return result


def latency_figures(
    name: str, result: dict[str, Any], label: str, targets: Mapping[str, str] | None = None
) -> list[Figure]:
    """`<name>_<p>_ms` for p50, p95 and p99 of `result`; `label` names the percentile as
    `{p}`, `targets` gives a percentile its target."""
    latency = result["summary"]["latency_ms"]
    return [
        Figure(f"{name}_{p}_ms", label.format(p=p), latency[p], "ms", (targets or {}).get(p))
        for p in PERCENTILES
    ]
