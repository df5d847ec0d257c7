"""results.json (everything), results.md (the tables) and the PNG plots of one run."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from lotledger_bench import plots
from lotledger_bench.config import BenchConfig

RATIOS = (
    (
        "single_post.max_ops",
        "postgres.insert_1_rows_per_s",
        "single POST max vs Postgres 1-row INSERT transactions",
    ),
    (
        "batches.events_per_s_100",
        "postgres.insert_100_rows_per_s",
        "/operations (100) vs Postgres 100-row INSERT transactions",
    ),
    (
        "batches.events_per_s_1000",
        "postgres.copy_5000_rows_per_s",
        "/operations (1000) vs Postgres COPY",
    ),
    (
        "batches.events_per_s_100",
        "peer.application_events_per_s",
        "/operations (100) vs eventsourcing ApplicationRecorder",
    ),
    (
        "batches.events_per_s_1000",
        "peer.application_events_per_s",
        "/operations (1000) vs eventsourcing ApplicationRecorder",
    ),
    ("relay.events_per_s", "kafka_perf.records_per_s", "relay vs Kafka ProducerPerformance"),
    (
        "relay.two_relays_events_per_s",
        "kafka_perf.records_per_s",
        "two relays vs Kafka ProducerPerformance",
    ),
    (
        "projection_rebuild.traceability_events_per_s",
        "postgres.copy_5000_rows_per_s",
        "traceability rebuild vs Postgres COPY",
    ),
)


def config_dict(cfg: BenchConfig) -> dict[str, Any]:
    data = asdict(cfg)
    data["out_dir"] = str(cfg.out_dir)
    return data


def figures(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["key"]: f for s in results["scenarios"].values() for f in s.get("figures", [])}


def ratios(results: dict[str, Any]) -> list[dict[str, Any]]:
    by_key, out = figures(results), []
    for num, den, label in RATIOS:
        if num in by_key and den in by_key and by_key[den]["value"]:
            out.append(
                {
                    "label": label,
                    "numerator": num,
                    "denominator": den,
                    "ratio": round(by_key[num]["value"] / by_key[den]["value"], 3),
                }
            )
    return out


def number(value: float) -> str:
    """A figure as the reports print it: a ratio below 1 with three decimals (0.474 is not
    0.5 against a target of 0.5), small figures with one, large ones whole."""
    if abs(value) < 1:
        return f"{value:.3f}"
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def markdown(results: dict[str, Any]) -> str:
    m, cfg = results["machine"], results["config"]
    lines = [
        f"# lotledger bench {results['run']}",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, kernel "
        f"{m['kernel']}, Python {m['python']}, commit {m['commit']}; load average at start "
        f"{', '.join(f'{x:.2f}' for x in m['load_average_at_start'])}. Seed {cfg['seed']}; "
        f"run took {results.get('seconds', 0):.0f} s.",
        "",
        "| scenario | figure | value | unit | target |",
        "|---|---|---:|---|---|",
    ]
    for name, s in results["scenarios"].items():
        if s.get("status") != "ok":
            detail = s.get("error", s["measures"])
            lines.append(f"| {s['title']} | *{s.get('status')}*: {detail} | | | |")
            continue
        for f in s["figures"]:
            lines.append(
                f"| {s['title']} | {f['label']} | {number(f['value'])} | {f['unit']} | "
                f"{f.get('target') or ''} |"
            )
        del name
    lines += ["", "| ratio | value |", "|---|---:|"]
    lines += [f"| {r['label']} | {r['ratio']:.3f} |" for r in results.get("ratios", [])]
    notes = [(s["title"], n) for s in results["scenarios"].values() for n in s.get("notes", [])]
    notes += [(s["title"], n) for s in results["scenarios"].values() for n in _refusals(s)]
    if notes:
        lines += ["", "Notes:", ""] + [f"- {t}: {n}" for t, n in notes]
    lines += ["", "Plots: " + ", ".join(f"[{p}]({p})" for p in results.get("plots", []))]
    return "\n".join(lines) + "\n"


def _refusals(scenario: dict[str, Any]) -> list[str]:
    """A note per load-generator run that got anything but 2xx, or refused operations."""
    notes = []
    for run in scenario.get("runs", []):
        summary = run.get("summary")
        if not summary:
            continue
        other = {k: v for k, v in summary["status"].items() if not k.startswith("2")}
        refused = summary.get("ops_sent", 0) - summary.get("ops_accepted", 0)
        if other or (run.get("scenario") == "operations" and refused > 0):
            detail = ", ".join(f"{v} × {k}" for k, v in sorted(other.items()))
            if run.get("scenario") == "operations" and refused > 0:
                detail += f"{', ' if detail else ''}{refused} operations refused"
            first = "; ".join(f"{k}: {v[:160]}" for k, v in run.get("first_errors", {}).items())
            notes.append(f"{run.get('label')}: {detail}" + (f" (first: {first})" if first else ""))
    return notes


def write(out_dir: Path, results: dict[str, Any]) -> None:
    results["ratios"] = ratios(results)
    results["plots"] = plots.draw(out_dir, results)
    (out_dir / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    (out_dir / "results.md").write_text(markdown(results))


def load(out_dir: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((out_dir / "results.json").read_text())
    return loaded
