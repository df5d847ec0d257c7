"""Shared facts and an in-memory alert desk: what the projector will do with a table,
done with a list, so scenarios can move the clock and watch the lifecycle."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from lotledger.alerts.domain import lifecycle
from lotledger.alerts.domain.alert import Alert, Change, ChangeKind
from lotledger.alerts.domain.conditions import Condition, Evaluation, Scope
from lotledger.alerts.domain.facts import LotFacts, ProductThresholds, Zones
from lotledger.shared.contracts.alerts import AlertType
from lotledger.shared.contracts.stock import BatchStatus

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
GTIN = "09506000134352"
OTHER_GTIN = "00614141000036"
A1 = "WH1/COLD-A/01"
A2 = "WH1/COLD-A/02"
B1 = "WH2/COLD-A/01"
ZONES = Zones({"WH1": "UTC", "WH2": "Asia/Shanghai"})
THRESHOLDS = ProductThresholds(GTIN, reorder_point=10, max_stock=100)


def lot(
    name: str = "L1",
    expiry: date = date(2026, 12, 31),
    on_hand: dict[str, int] | None = None,
    status: BatchStatus = BatchStatus.AVAILABLE,
    gtin: str = GTIN,
) -> LotFacts:
    return LotFacts(gtin, name, expiry, status, {A1: 40} if on_hand is None else on_hand)


@dataclass
class Desk:
    """Every alert ever raised (by id, in raise order) and every change, in order."""

    alerts: dict[str, Alert] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    serial: int = 0

    def new_id(self) -> str:
        self.serial += 1
        return f"alert-{self.serial}"

    def open(self) -> list[Alert]:
        return [a for a in self.alerts.values() if a.is_open]

    def _take(self, changes: list[Change]) -> list[Change]:
        self.alerts = {a.alert_id: a for a in lifecycle.apply(self.alerts.values(), changes)}
        self.changes += changes
        return changes

    def evaluate(self, evaluation: Evaluation, now: datetime) -> list[Change]:
        return self._take(
            lifecycle.reconcile(
                self.open(), evaluation.conditions, evaluation.scope, now, self.new_id
            )
        )

    def evaluate_scope(self, scope: Scope, now: datetime) -> list[Change]:
        """An evaluation over `scope` in which nothing holds."""
        return self.evaluate(Evaluation(scope), now)

    def event(self, condition: Condition, cause_id: str, now: datetime) -> list[Change]:
        return self._take(lifecycle.raise_on_event(self.open(), condition, cause_id, now))

    def ack(self, alert: Alert, now: datetime, actor: str = "manager-1") -> Change:
        return self._take([lifecycle.acknowledge(alert, actor, now)])[0]

    def resolve(self, alert: Alert, now: datetime, actor: str = "manager-1") -> Change:
        return self._take([lifecycle.resolve(alert, actor, now)])[0]

    def only_open(self, alert_type: AlertType) -> Alert:
        (alert,) = [a for a in self.open() if a.key.alert_type is alert_type]
        return alert

    def summary(self, kind: ChangeKind | None = None) -> list[tuple[str, str, str, str]]:
        """(change, type, subject, tier) of every change so far, optionally of one kind."""
        return [
            (c.kind.value, c.alert.key.alert_type.value, c.alert.key.subject, c.alert.key.tier)
            for c in self.changes
            if kind is None or c.kind is kind
        ]


def json_native(value: Any) -> bool:
    """Whether `value` is made of JSON types only, as a trip through JSONB returns it."""
    if value is None or isinstance(value, str | bool | int | float):
        return True
    if isinstance(value, list):
        return all(json_native(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and json_native(v) for k, v in value.items())
    return False
