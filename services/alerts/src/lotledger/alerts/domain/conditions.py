"""What the rules answer: conditions that hold now, and the scope the answer covers.

The lifecycle (`lifecycle.reconcile`) turns an `Evaluation` into alert changes: a
condition without an open alert raises one; an open alert inside the scope without a
condition resolves; an open alert outside the scope is none of this evaluation's business.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from lotledger.alerts.domain.subjects import group_of
from lotledger.shared.contracts.alerts import AlertType, Severity


@dataclass(frozen=True, order=True)
class AlertKey:
    """At most one open alert exists per key. `tier` is "" for types without tiers."""

    alert_type: AlertType
    subject: str
    tier: str = ""

    @property
    def group(self) -> str:
        return group_of(self.alert_type, self.subject)


@dataclass(frozen=True)
class Condition:
    """A situation that holds now and deserves an alert.

    `details` holds JSON values only (str, int, float, bool, None, lists, str-keyed dicts),
    so it equals itself after a trip through the alerts table or Kafka. It changes only
    when the situation changes, never with the clock alone (no "days left", no "silent
    for"): re-evaluating unchanged facts later yields an equal condition and no update.
    """

    key: AlertKey
    severity: Severity
    details: Mapping[str, Any]


@dataclass(frozen=True)
class Scope:
    """The part of the alert space an evaluation looked at: every subject of the types in
    `whole`, and every subject of each (type, group) pair in `groups`."""

    groups: frozenset[tuple[AlertType, str]] = frozenset()
    whole: frozenset[AlertType] = frozenset()

    @classmethod
    def of(cls, group: str, *types: AlertType) -> Scope:
        return cls(groups=frozenset((alert_type, group) for alert_type in types))

    @classmethod
    def everything(cls, *types: AlertType) -> Scope:
        return cls(whole=frozenset(types))

    def covers(self, key: AlertKey) -> bool:
        return key.alert_type in self.whole or (key.alert_type, key.group) in self.groups

    def __or__(self, other: Scope) -> Scope:
        return Scope(self.groups | other.groups, self.whole | other.whole)


@dataclass(frozen=True)
class Evaluation:
    """The conditions holding now within `scope`; every condition lies inside the scope."""

    scope: Scope
    conditions: tuple[Condition, ...] = ()

    def __or__(self, other: Evaluation) -> Evaluation:
        return Evaluation(self.scope | other.scope, self.conditions + other.conditions)

    def widened(self, scope: Scope) -> Evaluation:
        """The same conditions, claiming a larger scope (a sweep that saw every subject)."""
        return Evaluation(self.scope | scope, self.conditions)

    @staticmethod
    def merge(evaluations: Iterable[Evaluation]) -> Evaluation:
        """All of them as one, in linear time (a batch merges thousands)."""
        groups: set[tuple[AlertType, str]] = set()
        whole: set[AlertType] = set()
        conditions: list[Condition] = []
        for evaluation in evaluations:
            groups |= evaluation.scope.groups
            whole |= evaluation.scope.whole
            conditions += evaluation.conditions
        return Evaluation(Scope(frozenset(groups), frozenset(whole)), tuple(conditions))
