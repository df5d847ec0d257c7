"""The tables of BENCHMARKS.md from one run's results.json:
`python -m lotledger_bench --render-benchmarks bench/results/<run>` prints them."""

from __future__ import annotations

import re
from typing import Any

from lotledger_bench.report import figures, number

BOUND = re.compile(r"([≥≤])\s*([\d,.]+)")
RAW = (
    "kafka_perf.records_per_s",
    "kafka_perf.p99_ms",
    "kafka_cluster_perf.records_per_s",
    "kafka_cluster_perf.p99_ms",
    "postgres.insert_1_rows_per_s",
    "postgres.insert_100_rows_per_s",
    "postgres.copy_5000_rows_per_s",
    "peer.application_events_per_s",
    "peer.aggregate_events_per_s",
)


def verdict(value: float, target: str) -> str:
    match = BOUND.search(target)
    if not match:
        return ""
    bound = float(match.group(2).replace(",", ""))
    met = value >= bound if match.group(1) == "≥" else value <= bound
    return "met" if met else "**missed**"


def render(results: dict[str, Any]) -> str:
    by_key, scenarios = figures(results), results["scenarios"]
    lines = [
        "| scenario | figure | measured | target | |",
        "|---|---|---:|---|---|",
    ]
    for name, s in scenarios.items():
        if name in {"kafka_perf", "kafka_cluster_perf", "postgres", "peer"}:
            continue
        if s.get("status") != "ok":
            lines.append(f"| {s['title']} | {s['measures']} | *{s.get('status')}* | | |")
            continue
        for f in s["figures"]:
            target = f.get("target") or ""
            lines.append(
                f"| {s['title']} | {f['label']} | {number(f['value'])} {f['unit']} | {target} | "
                f"{verdict(f['value'], target)} |"
            )
    lines += ["", "| raw limit or peer | measured |", "|---|---:|"]
    for key in RAW:
        if key in by_key:
            f = by_key[key]
            title = scenarios[key.split(".")[0]]["title"].split(": ", 1)[-1]
            lines.append(f"| {title}: {f['label']} | {number(f['value'])} {f['unit']} |")
    lines += ["", "| lotledger ÷ raw limit or peer | ratio |", "|---|---:|"]
    lines += [f"| {r['label']} | {r['ratio']:.3f} |" for r in results.get("ratios", [])]
    return "\n".join(lines) + "\n"
