"""Kafka's own ProducerPerformance from the pinned jars (deploy/local/kafka.sh), with the
relay's delivery settings (acks=all, idempotent) and records the size of a stock event,
into a bench topic with the stock topic's partition count: on the shared single broker
(`kafka_perf`), and on a 3-broker cluster of the bench's own (`kafka_cluster_perf`)."""

from __future__ import annotations

import asyncio
import re
import time

from lotledger_bench.config import REPO
from lotledger_bench.context import Context
from lotledger_bench.infra import PARTITIONS, PERF_TOPIC
from lotledger_bench.registry import Figure, Outcome, scenario
from tests.support.kafka_instance import KafkaInstance

from lotledger.shared.contracts.topics import TopicSpec, min_insync_replicas
from lotledger.shared.kafka import ensure_topics
from lotledger.shared.settings import CommonSettings

SUMMARY = re.compile(
    r"(?P<records>\d+) records sent, (?P<rate>[\d.]+) records/sec \((?P<mb>[\d.]+) MB/sec\), "
    r"(?P<avg>[\d.]+) ms avg latency, (?P<max>[\d.]+) ms max latency, (?P<p50>\d+) ms 50th, "
    r"(?P<p95>\d+) ms 95th, (?P<p99>\d+) ms 99th, (?P<p999>\d+) ms 99.9th"
)
CLUSTER = KafkaInstance.private("bench3", brokers=3)
"""Brokers on a free block of ports, clear of the shared broker and of the tests' instances."""


async def producer_perf(ctx: Context, key: str, bootstrap: str, label: str) -> Outcome:
    """One ProducerPerformance run into the run's perf topic at `bootstrap`; figures
    `<key>.records_per_s` and `<key>.p99_ms`."""
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
        f"bootstrap.servers={bootstrap}",
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
    out = Outcome(runs=[{"label": label, "argv": argv, **final}])
    out.figures.append(
        Figure(
            f"{key}.records_per_s",
            f"{final['records']:.0f} records of {ctx.cfg.record_size} B",
            final["rate"],
            "records/s",
        )
    )
    out.figures.append(Figure(f"{key}.p99_ms", "producer p99 (send to ack)", final["p99"], "ms"))
    return out


@scenario(
    "kafka_perf",
    "Raw limit: Kafka producer",
    "records/s of kafka ProducerPerformance, acks=all, idempotent, ~600-byte records",
)
async def run(ctx: Context) -> Outcome:
    return await producer_perf(
        ctx, "kafka_perf", ctx.env.kafka_bootstrap, "kafka ProducerPerformance"
    )


@scenario(
    "kafka_cluster_perf",
    "Raw limit: Kafka producer, 3 brokers",
    "records/s of kafka ProducerPerformance on a 3-broker KRaft cluster on this machine "
    "(replication 3, min.insync.replicas=2), acks=all, idempotent, ~600-byte records",
)
async def run_cluster(ctx: Context) -> Outcome:
    began = time.monotonic()
    await CLUSTER.start()
    try:
        started_s = time.monotonic() - began
        settings = CommonSettings(
            kafka_bootstrap=CLUSTER.bootstrap,
            topic_prefix=ctx.env.topic_prefix,
            topic_partitions=PARTITIONS,
            topic_replication=3,
        )
        await ensure_topics(settings, [TopicSpec(PERF_TOPIC, "none")])
        out = await producer_perf(
            ctx,
            "kafka_cluster_perf",
            CLUSTER.bootstrap,
            "kafka ProducerPerformance, 3 brokers",
        )
    finally:
        await CLUSTER.reset()
    out.notes.append(
        f"3 brokers (deploy/local/kafka.sh, KAFKA_BROKERS=3, instance {CLUSTER.name}) on "
        f"{CLUSTER.bootstrap}, started in {started_s:.0f} s and removed after the run; the "
        f"topic has {PARTITIONS} partitions, replication 3, min.insync.replicas "
        f"{min_insync_replicas(3)}, so each acknowledged record is on at least two brokers, "
        "all three sharing this machine's cores and disk"
    )
    single = ctx.outcomes.get("kafka_perf")
    one, three = (
        o.figure(f"{k}.records_per_s") if o else None
        for o, k in ((single, "kafka_perf"), (out, "kafka_cluster_perf"))
    )
    if one and three and one.value:
        out.notes.append(
            f"3 brokers: {three.value:,.0f} records/s, {three.value / one.value:.0%} of the "
            f"single broker's {one.value:,.0f} in this run"
        )
    return out
