"""Lifecycle invariants over random histories of evaluations, events and people:
never two open alerts per key, replays change nothing, scope bounds every change,
resolved alerts never change, every raise has its own id."""

from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lotledger.alerts.domain import errors as e
from lotledger.alerts.domain.alert import Alert, ChangeKind
from lotledger.alerts.domain.conditions import AlertKey, Condition, Evaluation, Scope
from lotledger.alerts.domain.lifecycle import POLICIES, AutoResolve, acknowledge, reconcile
from lotledger.shared.contracts.alerts import AlertStatus, AlertType, Severity
from tests.unit.alerts.fixtures import NOW, Desk

GROUPS = ("G1", "G2")
TIERS = {AlertType.NEAR_EXPIRY: ("180d", "90d")}
TYPES = (AlertType.NEAR_EXPIRY, AlertType.LOW_STOCK, AlertType.RECALL, AlertType.FEFO_DEVIATION)


def keys_of(alert_type: AlertType, group: str) -> list[AlertKey]:
    if alert_type in (AlertType.NEAR_EXPIRY, AlertType.LOW_STOCK):
        subjects = [f"{group}@WH1", f"{group}@WH2"]
    else:
        subjects = [group]
    return [AlertKey(alert_type, s, t) for s in subjects for t in TIERS.get(alert_type, ("",))]


KEYS = [key for t in TYPES for g in GROUPS for key in keys_of(t, g)]


@st.composite
def conditions(draw: st.DrawFn, keys: list[AlertKey]) -> Condition:
    return Condition(
        draw(st.sampled_from(keys)),
        draw(st.sampled_from(Severity)),
        {"n": draw(st.integers(0, 2))},
    )


@st.composite
def evaluations(draw: st.DrawFn) -> Evaluation:
    pairs = draw(st.frozensets(st.sampled_from([(t, g) for t in TYPES for g in GROUPS])))
    whole = draw(st.frozensets(st.sampled_from(TYPES), max_size=1))
    scope = Scope(pairs, whole)
    covered = [k for k in KEYS if scope.covers(k)]
    chosen = draw(st.lists(st.sampled_from(covered), unique=True)) if covered else []
    held = [
        Condition(k, draw(st.sampled_from(Severity)), {"n": draw(st.integers(0, 2))})
        for k in chosen
    ]
    return Evaluation(scope, tuple(held))


steps = st.one_of(
    st.tuples(st.just("evaluate"), evaluations()),
    st.tuples(st.just("event"), conditions(KEYS)),
    st.tuples(st.just("ack"), st.integers(0, 50)),
    st.tuples(st.just("resolve"), st.integers(0, 50)),
)


def resolves_by_itself(alert: Alert) -> bool:
    policy = POLICIES[alert.key.alert_type].auto_resolve
    return policy is AutoResolve.ALWAYS or (
        policy is AutoResolve.AFTER_ACK and alert.status is AlertStatus.ACKNOWLEDGED
    )


def check_evaluation(
    desk: Desk, evaluation: Evaluation, open_before: list[Alert], now: datetime
) -> None:
    for later in (now, now + timedelta(days=400)):
        assert reconcile(desk.open(), evaluation.conditions, evaluation.scope, later) == []
    opened = {a.key: a for a in desk.open()}
    for condition in evaluation.conditions:
        if condition.key in opened:
            alert = opened[condition.key]
            assert (alert.severity, alert.details) == (condition.severity, condition.details)
        else:
            assert not POLICIES[condition.key.alert_type].raised_by_condition
    holding = {c.key for c in evaluation.conditions}
    for alert in open_before:
        cleared = evaluation.scope.covers(alert.key) and alert.key not in holding
        resolved = not desk.alerts[alert.alert_id].is_open
        assert resolved == (cleared and resolves_by_itself(alert))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(steps, st.integers(0, 3)), max_size=40))
def test_random_histories_keep_the_lifecycle_invariants(
    history: list[tuple[tuple[str, object], int]],
) -> None:
    desk = Desk()
    now = NOW
    for n, ((kind, arg), minutes) in enumerate(history):
        now += timedelta(minutes=minutes)
        before = dict(desk.alerts)
        if kind == "evaluate":
            assert isinstance(arg, Evaluation)
            open_before = desk.open()
            changes = desk.evaluate(arg, now)
            assert all(arg.scope.covers(c.alert.key) for c in changes)
            check_evaluation(desk, arg, open_before, now)
        elif kind == "event":
            assert isinstance(arg, Condition)
            desk.event(arg, f"evt-{n}", now)
            assert desk.event(arg, f"evt-{n}", now) == []
        elif desk.open():
            assert isinstance(arg, int)
            alert = desk.open()[arg % len(desk.open())]
            if kind == "resolve":
                desk.resolve(alert, now)
            elif alert.status is AlertStatus.ACKNOWLEDGED:
                with pytest.raises(e.AlertAlreadyAcknowledged):
                    acknowledge(alert, "manager-1", now)
            else:
                desk.ack(alert, now)
        open_keys = [a.key for a in desk.open()]
        assert len(open_keys) == len(set(open_keys))
        assert all(desk.alerts[i] == a for i, a in before.items() if not a.is_open)
        raises = [c for c in desk.changes if c.kind is ChangeKind.RAISED]
        assert len(raises) == len(desk.alerts)
