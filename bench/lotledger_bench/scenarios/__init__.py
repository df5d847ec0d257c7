"""Importing this package registers every scenario. `ORDER` is the order the runner plays
them: the service scenarios first (single POSTs with the relay running; batches with it
stopped, leaving the relay's backlog; then the relay), then the raw limits and the peer
with the services stopped. A scenario missing from ORDER runs after these."""

from lotledger_bench.scenarios import (  # noqa: F401
    batches,
    kafka_perf,
    peer,
    planned,
    postgres,
    relay,
    single_post,
)

ORDER = (
    "single_post",
    "batches",
    "relay",
    "projection_rebuild",
    "end_to_end",
    "trace_latency",
    "kafka_perf",
    "postgres",
    "peer",
)
