"""Scenarios designed but not built yet (DESIGN §13, issue #8); listed as not measured."""

from lotledger_bench.registry import planned

planned(
    "projection_rebuild",
    "Projection rebuild",
    "events/s per service (traceability, alerts) rebuilding its read models from Kafka "
    "offset zero (target ≥ 20,000 events/s)",
)
planned(
    "end_to_end",
    "POST → visible",
    "p50/p99 from a POST's answer to the event being visible in traceability and to the "
    "alert being raised, at 500 ops/s (target p99 ≤ 500 ms)",
)
planned(
    "trace_latency",
    "Lot trace and stock-as-of",
    "p99 of GET lot trace and stock-as-of on a database of ≥ 1 million events, bulk-loaded "
    "from the generator (target trace with 10,000 events p99 ≤ 50 ms); loadgen scenario "
    "`get` replays the URL list",
)
