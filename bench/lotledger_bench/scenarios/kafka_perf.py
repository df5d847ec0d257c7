"""Kafka's own ProducerPerformance from the pinned jars (deploy/local/kafka.sh), with the
relay's delivery settings (acks=all, idempotent) and records the size of a stock event,
into a bench topic with the stock topic's partition count."""

from __future__ import annotations

import asyncio
import re

from lotledger_bench.config import REPO
from lotledger_bench.context import Context
from lotledger_bench.registry import Figure, Outcome, scenario

SUMMARY = re.compile(
    r"(?P<records>\d+) records sent, (?P<rate>[\d.]+) records/sec \((?P<mb>[\d.]+) MB/sec\), "
    r"(?P<avg>[\d.]+) ms avg latency, (?P<max>[\d.]+) ms max latency, (?P<p50>\d+) ms 50th, "
    r"(?P<p95>\d+) ms 95th, (?P<p99>\d+) ms 99th, (?P<p999>\d+) ms 99.9th"
)


@scenario(
    "kafka_perf",
    "Raw limit: Kafka producer",
    "records/s of kafka ProducerPerformance, acks=all, idempotent, ~600-byte records",
)
async def run(ctx: Context) -> Outcome:
    argv = [
        "bash",
        str(REPO / "deploy/local/kafka.sh"),
        "tool",
        "producer-perf",
        "--topic",
        ctx.env.perf_topic(),
        "--num-records",
        str(ctx.cfg.durations.kafka_records),
        "--record-size",
        str(ctx.cfg.record_size),
        "--throughput",
        "-1",
        "--producer-props",
        f"bootstrap.servers={ctx.env.kafka_bootstrap}",
        "acks=all",
        "enable.idempotence=true",
    ]
    proc = await asyncio.create_subprocess_exec(
        *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    output = (await proc.communicate())[0].decode()
    matches = list(SUMMARY.finditer(output))
    if proc.returncode != 0 or not matches:
        raise RuntimeError(f"producer-perf failed ({proc.returncode}): {output[-2000:]}")
    final = {k: float(v) for k, v in matches[-1].groupdict().items()}
    out = Outcome(runs=[{"label": "kafka ProducerPerformance", "argv": argv, **final}])
    out.figures.append(
        Figure(
            "kafka_perf.records_per_s",
            f"{final['records']:.0f} records of {ctx.cfg.record_size} B",
            final["rate"],
            "records/s",
        )
    )
    out.figures.append(
        Figure("kafka_perf.p99_ms", "producer p99 (send to ack)", final["p99"], "ms")
    )
    return out
