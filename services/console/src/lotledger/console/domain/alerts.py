"""The alerts board: open alerts by severity, then newest first."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lotledger.shared.contracts.alerts import AlertType

SEVERITIES = ("critical", "warning", "info")
STATUSES = ("open", "raised", "acknowledged", "resolved")
TYPES = tuple(t.value for t in AlertType)
"""Every alert type the contract knows, for the board's filter."""


@dataclass(frozen=True)
class Alert:
    alert_id: str
    type: str
    subject: str
    tier: str
    severity: str
    status: str
    gtin: str | None
    warehouse: str | None
    location: str | None
    warehouses: tuple[str, ...]
    raised_at: datetime
    acknowledged_by: str | None
    resolved_by: str | None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def may_acknowledge(self) -> bool:
        return self.status == "raised"

    @property
    def may_resolve(self) -> bool:
        return self.status != "resolved"


def board_order(alerts: Iterable[Alert]) -> list[Alert]:
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    ordered = sorted(alerts, key=lambda a: a.raised_at, reverse=True)
    return sorted(ordered, key=lambda a: rank.get(a.severity, len(rank)))


def severity_counts(alerts: Iterable[Alert]) -> dict[str, int]:
    counts = Counter(a.severity for a in alerts)
    return {s: counts.get(s, 0) for s in SEVERITIES}
