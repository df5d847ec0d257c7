"""Topic names, their retention and their durability. A deployment may prefix every name
(tests do)."""

from __future__ import annotations

from dataclasses import dataclass, field

from lotledger.verify.kafka_log import CHECKPOINTS as CHECKPOINTS
from lotledger.verify.kafka_log import STOCK as STOCK

CATALOG = "lotledger.catalog.v1"
TELEMETRY = "lotledger.telemetry.v1"
EXCURSIONS = "lotledger.excursions.v1"
ALERTS = "lotledger.alerts.v1"
SYNC = "lotledger.sync.v1"
ALERTS_STOCK_BY_PRODUCT = "lotledger.alerts.stock-by-product.v1"
"""Internal to alerts: the stock topic's records, byte for byte, keyed by GTIN, so that
each alerts projector owns whole products (docs/adr/0017). Written only by the alerts
repartition stage; no other service reads it."""

FOREVER = "-1"
DAY_MS = 24 * 3600 * 1000
RECORD_DAYS = 1827
"""The GSP record period (5 years, a leap day included): how long the climate record and
the alerts raised on it are kept by default (`LOTLEDGER_RECORD_RETENTION_DAYS`)."""


@dataclass(frozen=True)
class TopicSpec:
    name: str
    key: str
    configs: dict[str, str] = field(default_factory=dict)
    partitions: int | None = None
    """None: the deployment's default partition count."""
    record: bool = False
    """Part of the GSP record: kept `record_retention_days` (configurable), not `configs`'
    default."""


TOPICS: tuple[TopicSpec, ...] = (
    TopicSpec(STOCK, "batch id {gtin}/{lot}", {"retention.ms": FOREVER, "retention.bytes": "-1"}),
    TopicSpec(
        CATALOG,
        "product:{gtin} | location:{id} | sensor:{id} | warehouse:{id}",
        {"cleanup.policy": "compact"},
    ),
    TopicSpec(TELEMETRY, "sensor id", {"retention.ms": str(RECORD_DAYS * DAY_MS)}, record=True),
    TopicSpec(EXCURSIONS, "location id", {"retention.ms": FOREVER}),
    TopicSpec(ALERTS, "alert id", {"retention.ms": str(RECORD_DAYS * DAY_MS)}, record=True),
    TopicSpec(SYNC, "sync conflict id | suspect return id", {"retention.ms": FOREVER}),
    TopicSpec(ALERTS_STOCK_BY_PRODUCT, "gtin", {"retention.ms": FOREVER, "retention.bytes": "-1"}),
    TopicSpec(
        CHECKPOINTS,
        "log name",
        {"retention.ms": FOREVER, "retention.bytes": "-1"},
        partitions=1,
    ),
)


def min_insync_replicas(replication: int) -> int:
    """How many in-sync replicas an acks=all write needs: 2 from 3 replicas up, so an
    acknowledged write survives the loss of any one broker and writes go on while one is
    down; 1 below that (one broker, or two replicas that must take writes with one lost)."""
    return 2 if replication >= 3 else 1


def topic_configs(spec: TopicSpec, replication: int, record_days: int) -> dict[str, str]:
    """A topic's configs as created with `replication` replicas: its own (a record topic
    keeps `record_days`), plus `min.insync.replicas` set on the topic rather than left to
    the broker default."""
    configs = dict(spec.configs)
    if spec.record:
        configs["retention.ms"] = str(record_days * DAY_MS)
    return {**configs, "min.insync.replicas": str(min_insync_replicas(replication))}


def topic_name(prefix: str, name: str) -> str:
    return f"{prefix}{name}"
