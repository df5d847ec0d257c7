"""Outbox backlog as Prometheus gauges, per outbox (its schema): events committed but not
yet in Kafka, and the age of the oldest. Every active relay reports its own outbox at most
every `every_s` (also while Kafka refuses it, which is when it matters); inventory's API
reports its outbox too, so the figure survives a relay that is gone."""

from __future__ import annotations

import time
from datetime import datetime

from prometheus_client import Gauge

from lotledger.shared.relay_source import RelaySource

OUTBOX_BACKLOG = Gauge(
    "lotledger_outbox_backlog", "Events committed but not yet in Kafka", ["outbox"]
)
OUTBOX_OLDEST = Gauge(
    "lotledger_outbox_oldest_seconds", "Age of the oldest unpublished event", ["outbox"]
)


def backlog_label(schema: str, source: str = "outbox") -> str:
    """The `outbox` label of a relay source's gauges: the schema for its outbox,
    `{schema}.{source}` for another source (inventory's `inventory.events`)."""
    return schema if source == "outbox" else f"{schema}.{source}"


def report_backlog(outbox: str, count: int, oldest: datetime | None, now: datetime) -> None:
    OUTBOX_BACKLOG.labels(outbox).set(count)
    OUTBOX_OLDEST.labels(outbox).set(max((now - oldest).total_seconds(), 0.0) if oldest else 0.0)


class BacklogProbe:
    """Measures an outbox over the relay's own connection, between its statements."""

    def __init__(self, outbox: str, every_s: float = 5.0) -> None:
        self.outbox = outbox
        self.every_s = every_s
        self._last = float("-inf")

    async def maybe(self, source: RelaySource) -> None:
        if time.monotonic() - self._last < self.every_s:
            return
        self._last = time.monotonic()
        report_backlog(self.outbox, *await source.backlog())
