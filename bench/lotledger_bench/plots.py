"""PNG plots: latency percentiles against offered load, throughput per stage beside the
raw limits and the peer, the relay's drain of waiting events, and the distribution of POST →
visible and POST → alert latencies."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

PERCENTILES = (("p50", "p50"), ("p95", "p95"), ("p99", "p99"), ("p99_9", "p99.9"))
STAGES = (
    ("single_post.max_ops", "single POST (ops/s)", "lotledger"),
    ("batches.events_per_s_100", "/operations ×100", "lotledger"),
    ("batches.events_per_s_1000", "/operations ×1000", "lotledger"),
    ("relay.events_per_s", "relay → Kafka", "lotledger"),
    ("projection_rebuild.traceability_events_per_s", "traceability rebuild", "lotledger"),
    (
        "projection_rebuild.traceability_events_per_s_jobs2",
        "traceability rebuild, 2 processes",
        "lotledger",
    ),
    ("peer.application_events_per_s", "eventsourcing app recorder", "peer"),
    ("peer.aggregate_events_per_s", "eventsourcing aggregate recorder", "peer"),
    ("postgres.insert_1_rows_per_s", "PG INSERT 1/txn", "raw"),
    ("postgres.insert_100_rows_per_s", "PG INSERT 100/txn", "raw"),
    ("postgres.copy_5000_rows_per_s", "PG COPY 5000/txn", "raw"),
    ("kafka_perf.records_per_s", "Kafka producer-perf", "raw"),
    ("kafka_cluster_perf.records_per_s", "Kafka producer-perf, 3 brokers", "raw"),
)
COLOURS = {"lotledger": "#1f77b4", "peer": "#ff7f0e", "raw": "#7f7f7f"}


def latency_vs_load(out: Path, results: dict[str, Any]) -> str | None:
    runs = [
        r
        for r in results["scenarios"].get("single_post", {}).get("runs", [])
        if r.get("mode") == "rate"
    ]
    if not runs:
        return None
    runs.sort(key=lambda r: r["target_rate"])
    rates = [r["target_rate"] for r in runs]
    fig, ax = plt.subplots(figsize=(8, 5))
    for key, label in PERCENTILES:
        ax.plot(
            rates,
            [max(r["summary"]["latency_ms"][key], 0.01) for r in runs],
            marker="o",
            label=label,
        )
    ax.axhline(25, color="red", linestyle=":", label="p99 target 25 ms")
    best = next(
        (
            f
            for f in results["scenarios"]["single_post"].get("figures", [])
            if f["key"] == "single_post.max_ops"
        ),
        None,
    )
    if best:
        ax.axvline(
            best["value"],
            color="grey",
            linestyle="--",
            label=f"closed-loop max {best['value']:,.0f} ops/s",
        )
    ax.set(
        xlabel="offered load (ops/s, open loop)",
        ylabel="latency (ms, from intended send)",
        yscale="log",
        title="Single-operation POST: latency percentiles vs load",
    )
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    return _save(fig, out, "latency_vs_load.png")


def throughput(out: Path, results: dict[str, Any]) -> str | None:
    by_key = {f["key"]: f for s in results["scenarios"].values() for f in s.get("figures", [])}
    bars = [(label, by_key[k]["value"], kind) for k, label, kind in STAGES if k in by_key]
    if not bars:
        return None
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(bars) + 1.5))
    names = [b[0] for b in bars][::-1]
    values = [b[1] for b in bars][::-1]
    ax.barh(names, values, color=[COLOURS[b[2]] for b in bars][::-1])
    for y, v in enumerate(values):
        ax.text(v, y, f" {v:,.0f}", va="center", fontsize=8)
    ax.axvline(20_000, color="red", linestyle=":", label="20,000 events/s target")
    ax.set(
        xscale="log",
        xlabel="per second (events, rows, records or ops)",
        title="Throughput per stage: lotledger (blue), peer (orange), raw limits (grey)",
    )
    ax.legend(loc="lower right")
    return _save(fig, out, "throughput_per_stage.png")


def relay_drain(out: Path, results: dict[str, Any]) -> str | None:
    runs = results["scenarios"].get("relay", {}).get("runs", [])
    if not runs or "curve" not in runs[0]:
        return None
    fig, ax = plt.subplots(figsize=(8, 4))
    for run in runs:
        curve = run["curve"]
        label = f"{run.get('relays', 1)} relay(s), {run['backlog']:,} events"
        ax.plot([c[0] for c in curve], [c[1] for c in curve], label=label)
    ax.set(
        xlabel="seconds since relay start",
        ylabel="events not yet published",
        title="Relays draining the stock events",
    )
    ax.legend(loc="upper right")
    ax.grid(True, alpha=0.3)
    return _save(fig, out, "relay_drain.png")


def end_to_end(out: Path, results: dict[str, Any]) -> str | None:
    runs = [r for r in results["scenarios"].get("end_to_end", {}).get("runs", []) if "rate" in r]
    if not runs:
        return None
    fig, ax = plt.subplots(figsize=(8, 5))
    for r in runs:
        for key, label, style in (("visible_ms", "visible", "-"), ("alert_ms", "alert", "--")):
            values = sorted(r[key])
            if values:
                ax.plot(
                    [max(v, 0.1) for v in values],
                    [(i + 1) / len(values) * 100 for i in range(len(values))],
                    style,
                    label=f"{label} at {r['rate']:g} ops/s",
                )
    ax.axvline(500, color="red", linestyle=":", label="p99 target 500 ms")
    ax.axhline(99, color="grey", linestyle=":", linewidth=0.8)
    ax.set(
        xscale="log",
        xlabel="ms from the POST's answer",
        ylabel="% of tracked operations",
        title="POST → visible in traceability, POST → low_stock alert raised",
    )
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    return _save(fig, out, "end_to_end.png")


def timelines(out: Path, results: dict[str, Any]) -> str | None:
    runs = [
        r for s in results["scenarios"].values() for r in s.get("runs", []) if r.get("timeline")
    ]
    if not runs:
        return None
    fig, ax = plt.subplots(figsize=(9, 5))
    for r in runs:
        ax.plot(
            [t["t"] for t in r["timeline"]],
            [t["ok"] for t in r["timeline"]],
            label=r.get("label", r.get("scenario")),
            linewidth=1,
        )
    ax.set(
        xlabel="second of run",
        ylabel="2xx answers per second",
        title="Load generator runs: answers per second (warm-up included)",
    )
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7)
    return _save(fig, out, "timelines.png")


def _save(fig: Any, out: Path, name: str) -> str:
    fig.tight_layout()
    fig.savefig(out / name, dpi=110)
    plt.close(fig)
    return name


def draw(out: Path, results: dict[str, Any]) -> list[str]:
    drawn = [
        p(out, results) for p in (latency_vs_load, throughput, relay_drain, end_to_end, timelines)
    ]
    return [d for d in drawn if d]
