"""What a run measures and for how long. `full` is `make bench` (under 15 minutes on
2 cores); `quick` is a smoke run of the same scenarios at a fraction of the durations."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BENCH = REPO / "bench"
DEFAULT_OUT = BENCH / "results"
ADMIN_URL = "postgresql://lotledger:lotledger@127.0.0.1:5433/lotledger"
KAFKA_BOOTSTRAP = "127.0.0.1:9092"
AUTH_SECRET = "lotledger-bench-secret-0123456789abcdef"  # noqa: S105 (local bench only)
RESERVED_PORTS = frozenset({8001, 8002, 8003, 8004})


@dataclass(frozen=True)
class Durations:
    warmup_s: float = 5.0
    closed_s: float = 20.0
    open_s: float = 30.0
    batches_s: float = 25.0
    relay_events: int = 100_000
    relay_timeout_s: float = 240.0
    kafka_records: int = 500_000
    postgres_s: float = 10.0
    peer_s: float = 15.0
    rebuild_min_events: int = 100_000
    e2e_rates: tuple[float, ...] = (100.0, 500.0)
    e2e_s: float = 30.0
    e2e_tracked_per_s: float = 8.0
    trace_events: int = 1_000_000
    serial_store: int = 10_000_000
    serial_pallets: int = 3
    trace_s: float = 15.0


FULL = Durations()
QUICK = Durations(
    warmup_s=2.0,
    closed_s=6.0,
    open_s=6.0,
    batches_s=6.0,
    relay_events=10_000,
    relay_timeout_s=60.0,
    kafka_records=50_000,
    postgres_s=3.0,
    peer_s=3.0,
    rebuild_min_events=10_000,
    e2e_rates=(100.0,),
    e2e_s=8.0,
    e2e_tracked_per_s=5.0,
    trace_events=100_000,
    trace_s=4.0,
    serial_store=1_000_000,
    serial_pallets=1,
)


@dataclass(frozen=True)
class BenchConfig:
    """Fixed seeds make every run send the same bodies in the same order per stream."""

    durations: Durations = FULL
    seed: int = 20261124
    database: str = "lotledger_bench"
    admin_url: str = ADMIN_URL
    kafka_bootstrap: str = KAFKA_BOOTSTRAP
    out_dir: Path = DEFAULT_OUT
    closed_connections: tuple[int, ...] = (16, 64)
    open_fractions: tuple[float, ...] = (0.25, 0.5, 0.8)
    open_fixed_rates: tuple[float, ...] = (750.0,)
    open_connections: int = 256
    picks_per_receipt: int = 3
    append_concurrency: int = 8
    batch_sizes: tuple[int, ...] = (100, 1000)
    peer_events_per_aggregate: int = 4
    record_size: int = 600
    rebuild_jobs: tuple[int, ...] = (1, 2)
    trace_big_events: int = 10_000
    trace_load_jobs: int = 2
    only: tuple[str, ...] = field(default_factory=tuple)
    keep: bool = False
    api_workers: int = 1

    def quick(self) -> BenchConfig:
        return replace(
            self,
            durations=QUICK,
            batch_sizes=(100,),
            closed_connections=(32,),
            rebuild_jobs=(1,),
        )
