"""Topic names and their retention. A deployment may prefix every name (tests do)."""

from __future__ import annotations

from dataclasses import dataclass, field

from lotledger.verify.kafka_log import CHECKPOINTS as CHECKPOINTS
from lotledger.verify.kafka_log import STOCK as STOCK

CATALOG = "lotledger.catalog.v1"
TELEMETRY = "lotledger.telemetry.v1"
EXCURSIONS = "lotledger.excursions.v1"
ALERTS = "lotledger.alerts.v1"
SYNC = "lotledger.sync.v1"

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
    TopicSpec(SYNC, "sync conflict id", {"retention.ms": FOREVER}),
    TopicSpec(
        CHECKPOINTS,
        "log name",
        {"retention.ms": FOREVER, "retention.bytes": "-1"},
        partitions=1,
    ),
)


def configs_of(spec: TopicSpec, record_days: int) -> dict[str, str]:
    """The configs a topic is created with: a record topic keeps `record_days`."""
    if not spec.record:
        return dict(spec.configs)
    return {**spec.configs, "retention.ms": str(record_days * DAY_MS)}


def topic_name(prefix: str, name: str) -> str:
    return f"{prefix}{name}"
