"""Importing this package registers every scenario. `ORDER` is the order the runner plays
them: the service scenarios first (single POSTs with the relay running; batches with it
stopped, leaving the relay's backlog; then the relay), then the read side (rebuilding
from the topics those filled, end-to-end latency with the projectors running, trace
latency on a bulk-loaded read model; the console's lot page and the forecast report
between the two), then the raw limits (Kafka on the shared broker and on a 3-broker cluster
of its own, Postgres, our stack's floor) and the peer with the services stopped. A scenario
missing from ORDER runs after these."""

from lotledger_bench.scenarios import (  # noqa: F401
    alerts_workers,
    batches,
    console,
    end_to_end,
    forecast,
    kafka_perf,
    peer,
    postgres,
    projection_rebuild,
    relay,
    serials,
    single_post,
    stack_floor,
    trace_latency,
)

ORDER = (
    "single_post",
    "batches",
    "serials",
    "relay",
    "projection_rebuild",
    "end_to_end",
    "console",
    "forecast",
    "alerts_workers",
    "trace_latency",
    "kafka_perf",
    "kafka_cluster_perf",
    "postgres",
    "stack_floor",
    "peer",
)
