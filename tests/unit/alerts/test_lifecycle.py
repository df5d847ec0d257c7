"""Raised → acknowledged → resolved; one open alert per key; scope; alert ids."""

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from lotledger.alerts.domain import errors as e
from lotledger.alerts.domain.alert import EVENT_TYPES, Alert, Change, ChangeKind, event_alert_id
from lotledger.alerts.domain.conditions import AlertKey, Condition, Evaluation, Scope
from lotledger.alerts.domain.lifecycle import acknowledge, raise_on_event, reconcile, resolve
from lotledger.alerts.domain.severity import SEVERITY
from lotledger.alerts.domain.subjects import group_of, lot_subject, stock_subject, warehouse_in
from lotledger.shared.contracts import alerts as contract
from lotledger.shared.contracts.alerts import AlertChanged, AlertStatus, AlertType, Severity
from tests.unit.alerts.fixtures import GTIN, NOW, OTHER_GTIN, Desk

LOW = AlertKey(AlertType.LOW_STOCK, stock_subject(GTIN, "WH1"))
LOW_OTHER = AlertKey(AlertType.LOW_STOCK, stock_subject(OTHER_GTIN, "WH1"))
STOCK = Scope.of(GTIN, AlertType.LOW_STOCK)
LATER = NOW + timedelta(minutes=5)
Action = Callable[[Alert, str, datetime], Change]


def low(available: int = 4, severity: Severity = Severity.WARNING) -> Condition:
    return Condition(LOW, severity, {"available": available})


def raised(desk: Desk, condition: Condition | None = None) -> Alert:
    (change,) = desk.evaluate(Evaluation(STOCK, (condition or low(),)), NOW)
    return change.alert


def test_acknowledge_then_resolve() -> None:
    desk = Desk()
    alert = raised(desk)
    ack = desk.ack(alert, LATER, actor="manager-1")
    assert (ack.kind, ack.by, ack.alert.status) == (
        ChangeKind.ACKNOWLEDGED,
        "manager-1",
        AlertStatus.ACKNOWLEDGED,
    )
    assert (ack.alert.acknowledged_by, ack.alert.acknowledged_at, ack.alert.changed_at) == (
        "manager-1",
        LATER,
        LATER,
    )
    done = desk.resolve(ack.alert, LATER + timedelta(minutes=1), actor="manager-2")
    assert (done.alert.status, done.alert.resolved_by, done.by) == (
        AlertStatus.RESOLVED,
        "manager-2",
        "manager-2",
    )
    assert done.alert.raised_at == NOW
    assert desk.open() == []


def test_a_raised_alert_can_be_resolved_without_acknowledging_it() -> None:
    alert = raised(Desk())
    assert resolve(alert, "manager-1", LATER).alert.status is AlertStatus.RESOLVED


@pytest.mark.parametrize(
    ("status", "action", "error"),
    [
        (AlertStatus.RESOLVED, acknowledge, e.AlertAlreadyResolved),
        (AlertStatus.RESOLVED, resolve, e.AlertAlreadyResolved),
        (AlertStatus.ACKNOWLEDGED, acknowledge, e.AlertAlreadyAcknowledged),
    ],
)
def test_invalid_transitions_are_refused_by_name(
    status: AlertStatus, action: Action, error: type[e.InvalidTransition]
) -> None:
    alert = Alert("a-1", LOW, Severity.WARNING, status, NOW, NOW, {})
    with pytest.raises(error):
        action(alert, "manager-1", LATER)


def test_a_person_must_be_named() -> None:
    alert = raised(Desk())
    for action in (acknowledge, resolve):
        with pytest.raises(e.ActorRequired):
            action(alert, "  ", LATER)


def test_re_evaluation_updates_the_open_alert_and_never_duplicates_it() -> None:
    desk = Desk()
    alert = raised(desk)
    desk.ack(alert, NOW)
    assert desk.evaluate(Evaluation(STOCK, (low(),)), LATER) == []
    (update,) = desk.evaluate(Evaluation(STOCK, (low(2, Severity.CRITICAL),)), LATER)
    assert update.kind is ChangeKind.UPDATED
    assert (update.alert.alert_id, update.alert.status) == (
        alert.alert_id,
        AlertStatus.ACKNOWLEDGED,
    )
    assert (update.alert.severity, update.alert.details, update.alert.changed_at) == (
        Severity.CRITICAL,
        {"available": 2},
        LATER,
    )
    assert len(desk.alerts) == 1


def test_an_acknowledged_alert_still_resolves_when_its_condition_clears() -> None:
    desk = Desk()
    desk.ack(raised(desk), NOW)
    (change,) = desk.evaluate(Evaluation(STOCK), LATER)
    assert (change.kind, change.by, change.alert.resolved_by) == (ChangeKind.RESOLVED, None, None)


def test_alerts_outside_the_scope_are_left_alone() -> None:
    desk = Desk()
    desk.evaluate(
        Evaluation(
            Scope.of(OTHER_GTIN, AlertType.LOW_STOCK), (Condition(LOW_OTHER, Severity.WARNING, {}),)
        ),
        NOW,
    )
    raised(desk)
    assert desk.evaluate(Evaluation(Scope.of(GTIN, AlertType.OVERSTOCK)), LATER) == []
    (change,) = desk.evaluate(Evaluation(STOCK), LATER)
    assert change.alert.key == LOW
    assert [a.key for a in desk.open()] == [LOW_OTHER]
    assert len(desk.evaluate(Evaluation(Scope.everything(AlertType.LOW_STOCK)), LATER)) == 1
    assert desk.open() == []


def test_conditions_must_lie_in_the_scope_and_be_unique() -> None:
    with pytest.raises(e.ConditionOutsideScope):
        reconcile([], [low()], Scope.of(OTHER_GTIN, AlertType.LOW_STOCK), NOW)
    with pytest.raises(e.DuplicateCondition):
        reconcile([], [low(), low(3)], STOCK, NOW)


def test_two_open_alerts_for_one_key_are_refused() -> None:
    one = Alert("a-1", LOW, Severity.WARNING, AlertStatus.RAISED, NOW, NOW, {})
    two = Alert("a-2", LOW, Severity.WARNING, AlertStatus.ACKNOWLEDGED, NOW, NOW, {})
    with pytest.raises(e.DuplicateOpenAlert):
        reconcile([one, two], [], STOCK, NOW)
    closed = Alert("a-0", LOW, Severity.WARNING, AlertStatus.RESOLVED, NOW, NOW, {})
    assert reconcile([closed, one], [low()], STOCK, NOW)[0].alert.alert_id == "a-1"


def test_resolutions_come_before_raises() -> None:
    subject = lot_subject(GTIN, "L1", "WH1")
    scope = Scope.of(f"{GTIN}/L1", AlertType.NEAR_EXPIRY)
    desk = Desk()
    for tier in ("180d", "90d"):
        key = AlertKey(AlertType.NEAR_EXPIRY, subject, tier)
        desk.evaluate(Evaluation(scope, (Condition(key, Severity.INFO, {}),)), NOW)
    assert [c.kind for c in desk.changes] == [
        ChangeKind.RAISED,
        ChangeKind.RESOLVED,
        ChangeKind.RAISED,
    ]


def test_a_person_resolving_a_condition_that_still_holds_sees_it_raised_again() -> None:
    desk = Desk()
    desk.resolve(raised(desk), NOW)
    (again,) = desk.evaluate(Evaluation(STOCK, (low(),)), LATER)
    assert (again.kind, again.alert.raised_at) == (ChangeKind.RAISED, LATER)


def test_condition_raises_take_fresh_ids_even_at_a_frozen_instant() -> None:
    desk = Desk()
    first = raised(desk)
    desk.resolve(first, NOW)
    (again,) = desk.evaluate(Evaluation(STOCK, (low(),)), NOW)
    assert again.alert.alert_id != first.alert_id
    assert desk.alerts[first.alert_id].status is AlertStatus.RESOLVED
    ids = iter(["alert-1"])
    (named,) = reconcile([], [low()], STOCK, NOW, new_id=lambda: next(ids))
    assert named.alert.alert_id == "alert-1"


def test_event_raises_derive_their_id_from_the_event() -> None:
    (change,) = raise_on_event([], low(), "evt-1", NOW)
    assert change.alert.alert_id == event_alert_id(LOW, "evt-1")
    assert raise_on_event([], low(), "evt-1", LATER)[0].alert.alert_id == change.alert.alert_id
    assert event_alert_id(LOW, "evt-2") != change.alert.alert_id
    assert event_alert_id(LOW_OTHER, "evt-1") != change.alert.alert_id


def test_the_lifecycle_refuses_naive_times() -> None:
    with pytest.raises(ValueError, match="aware"):
        reconcile([], [low()], STOCK, datetime(2026, 1, 1))


def test_a_change_is_published_as_an_alert_changed_event() -> None:
    desk = Desk()
    change = desk.ack(raised(desk), LATER)
    payload = change.payload()
    assert change.event_type == contract.ACKNOWLEDGED
    assert payload == AlertChanged(
        alert_id=change.alert.alert_id,
        alert_type=AlertType.LOW_STOCK,
        subject=LOW.subject,
        tier="",
        severity=Severity.WARNING,
        status=AlertStatus.ACKNOWLEDGED,
        raised_at=NOW,
        changed_at=LATER,
        by="manager-1",
        acknowledged_by="manager-1",
        acknowledged_at=LATER,
        warehouse="WH1",
        warehouses=["WH1"],
        details={"available": 4},
    )
    assert AlertChanged.model_validate(payload.as_data()) == payload
    assert set(EVENT_TYPES.values()) == set(contract.EVENT_TYPES)


def test_subjects_and_their_groups() -> None:
    assert group_of(AlertType.NEAR_EXPIRY, lot_subject(GTIN, "L/1", "WH1")) == f"{GTIN}/L/1"
    assert group_of(AlertType.STOCK_OUT, stock_subject(GTIN, "WH-2")) == GTIN
    assert warehouse_in(AlertType.LOW_STOCK, stock_subject(GTIN, "WH-2")) == "WH-2"
    assert group_of(AlertType.SENSOR_SILENT, "probe@dock") == "probe@dock"
    assert warehouse_in(AlertType.SENSOR_SILENT, "probe@dock") is None
    assert group_of(AlertType.OVERSTOCK, "no-warehouse") == "no-warehouse"


def test_every_type_has_a_severity() -> None:
    assert set(SEVERITY) == set(AlertType)


def test_a_sweep_claiming_whole_types_resolves_alerts_the_facts_no_longer_name() -> None:
    desk = Desk()
    orphan = Condition(AlertKey(AlertType.SENSOR_SILENT, "S-gone"), Severity.WARNING, {})
    desk.evaluate(Evaluation(Scope.of("S-gone", AlertType.SENSOR_SILENT), (orphan,)), NOW)
    raised(desk)
    sweep = Evaluation.merge(
        [Evaluation(Scope.of("S-1", AlertType.SENSOR_SILENT)), Evaluation(STOCK, (low(),))]
    )
    assert desk.evaluate(sweep, LATER) == []
    (resolved,) = desk.evaluate(sweep.widened(Scope.everything(AlertType.SENSOR_SILENT)), LATER)
    assert resolved.alert.key == orphan.key
    assert [a.key for a in desk.open()] == [LOW]
