"""Outbox backlog gauges: the relay's probe reports count and oldest age per outbox, at
most once per interval (it shares the relay's connection)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import cast

from prometheus_client import REGISTRY

from lotledger.shared.db import Driver
from lotledger.shared.outbox import Outbox
from lotledger.shared.outbox_metrics import BacklogProbe, backlog_label

NOW = datetime(2026, 12, 4, 6, 0, tzinfo=UTC)


class _Conn:
    def __init__(self, rows: int, oldest: datetime | None) -> None:
        self.rows, self.oldest, self.asked = rows, oldest, 0

    async def fetchrow(self, sql: str) -> dict[str, object]:
        self.asked += 1
        return {"n": self.rows, "oldest": self.oldest, "now": NOW}


def _gauge(name: str, outbox: str) -> float | None:
    return REGISTRY.get_sample_value(name, {"outbox": outbox})


async def test_the_probe_reports_count_and_oldest_age_once_per_interval() -> None:
    conn = _Conn(3, NOW - timedelta(seconds=42))
    probe = BacklogProbe("probe_a", every_s=60)
    await probe.maybe(Outbox(cast(Driver, conn)))
    conn.rows = 9
    await probe.maybe(Outbox(cast(Driver, conn)))
    assert conn.asked == 1
    assert _gauge("lotledger_outbox_backlog", "probe_a") == 3
    assert _gauge("lotledger_outbox_oldest_seconds", "probe_a") == 42


async def test_an_empty_outbox_is_zero_old() -> None:
    await BacklogProbe("probe_b", every_s=0).maybe(Outbox(cast(Driver, _Conn(0, None))))
    assert _gauge("lotledger_outbox_backlog", "probe_b") == 0
    assert _gauge("lotledger_outbox_oldest_seconds", "probe_b") == 0


def test_a_source_other_than_the_outbox_is_labelled_apart_from_its_schemas_outbox() -> None:
    assert backlog_label("inventory") == "inventory"
    assert backlog_label("inventory", "events") == "inventory.events"
