"""Recall and FEFO-deviation alerts: raised by events, resolved by QA or the rules."""

from datetime import timedelta

from lotledger.alerts.domain.conditions import Scope
from lotledger.alerts.domain.facts import FefoDeviation, RecallFacts, Shipment
from lotledger.alerts.domain.lifecycle import raise_on_event
from lotledger.alerts.domain.triggered import (
    EARLIER_LOTS_NAMED,
    fefo_deviation,
    recall,
    recall_raised,
)
from lotledger.shared.contracts.alerts import AlertStatus, AlertType, Severity
from lotledger.shared.contracts.stock import BatchStatus, Picked, RecallClass
from tests.unit.alerts.fixtures import A1, A2, B1, GTIN, NOW, ZONES, Desk, json_native, lot

RECALL = RecallFacts(
    GTIN,
    "L1",
    "RC-2026-07",
    RecallClass.II,
    "sterility not assured",
    NOW,
    shipments=(
        Shipment("9506000000022", "WH1", shipped=20),
        Shipment("9506000000015", "WH2", shipped=5, returned=2),
    ),
)
RECALLED = lot(on_hand={A1: 6, B1: 4}, status=BatchStatus.RECALLED)
LATER = NOW + timedelta(hours=1)


def test_a_recall_raises_an_alert_listing_consignees_and_quantities() -> None:
    desk = Desk()
    (raised,) = desk.event(recall_raised(RECALL, RECALLED), "evt-recall-1", NOW)
    alert = raised.alert
    assert (alert.key.alert_type, alert.key.subject, alert.severity) == (
        AlertType.RECALL,
        f"{GTIN}/L1",
        Severity.CRITICAL,
    )
    assert alert.details["consignees"] == [
        {"party": "9506000000015", "shipped": 5, "returned": 2, "outstanding": 3},
        {"party": "9506000000022", "shipped": 20, "returned": 0, "outstanding": 20},
    ]
    assert (alert.details["recall_id"], alert.details["class"]) == ("RC-2026-07", "II")
    assert (alert.details["on_hand"], alert.details["locations"]) == (10, {A1: 6, B1: 4})
    assert json_native(dict(alert.details))


def test_recall_severity_follows_the_class() -> None:
    for recall_class, severity in [
        (RecallClass.I, Severity.CRITICAL),
        (RecallClass.II, Severity.CRITICAL),
        (RecallClass.III, Severity.WARNING),
    ]:
        facts = RecallFacts(GTIN, "L1", "R", recall_class, "x", NOW)
        assert recall_raised(facts, RECALLED).severity is severity


def test_a_recall_resolves_once_acknowledged_and_no_stock_is_left() -> None:
    desk = Desk()
    desk.event(recall_raised(RECALL, RECALLED), "evt-recall-1", NOW)
    assert desk.evaluate(recall(RECALL, RECALLED), NOW) == []
    (update,) = desk.evaluate(
        recall(RECALL, lot(on_hand={A1: 6}, status=BatchStatus.RECALLED)), NOW
    )
    assert update.alert.details["on_hand"] == 6
    disposed = lot(on_hand={}, status=BatchStatus.RECALLED)
    assert desk.evaluate(recall(RECALL, disposed), LATER) == []
    desk.ack(desk.only_open(AlertType.RECALL), LATER, actor="qa-1")
    (resolved,) = desk.evaluate(recall(RECALL, disposed), LATER)
    assert (resolved.alert.status, resolved.alert.resolved_by) == (AlertStatus.RESOLVED, None)


def test_a_recall_with_everything_shipped_is_still_raised_and_waits_for_qa() -> None:
    desk = Desk()
    nothing_left = lot(on_hand={}, status=BatchStatus.RECALLED)
    assert recall(RECALL, nothing_left).conditions == ()
    desk.event(recall_raised(RECALL, nothing_left), "evt-recall-1", NOW)
    assert desk.evaluate(recall(RECALL, nothing_left), LATER) == []
    assert desk.only_open(AlertType.RECALL).status is AlertStatus.RAISED


def test_a_redelivered_recall_event_raises_nothing_new() -> None:
    desk = Desk()
    (first,) = desk.event(recall_raised(RECALL, RECALLED), "evt-recall-1", NOW)
    assert desk.event(recall_raised(RECALL, RECALLED), "evt-recall-1", LATER) == []
    desk.resolve(first.alert, LATER, actor="qa-1")
    (again,) = raise_on_event(desk.open(), recall_raised(RECALL, RECALLED), "evt-recall-1", LATER)
    assert again.alert.alert_id == first.alert.alert_id


def test_recalled_goods_coming_back_raise_the_recall_again() -> None:
    desk = Desk()
    (first,) = desk.event(recall_raised(RECALL, lot(on_hand={})), "evt-recall-1", NOW)
    desk.ack(first.alert, NOW, actor="qa-1")
    desk.evaluate(recall(RECALL, lot(on_hand={}, status=BatchStatus.RECALLED)), NOW)
    returned = lot(on_hand={A2: 2}, status=BatchStatus.RECALLED)
    (again,) = desk.evaluate(recall(RECALL, returned), LATER)
    assert (again.kind.value, again.alert.details["on_hand"]) == ("raised", 2)
    assert again.alert.alert_id != first.alert.alert_id


PICK = Picked(
    gtin=GTIN,
    lot="LATE",
    at=NOW,
    location=A1,
    qty=3,
    order_ref="SO-9",
    ship_to="9506000000022",
    fefo_deviation=True,
)
LOTS = [
    lot("LATE", expiry=NOW.date() + timedelta(days=300), on_hand={A1: 7}),
    lot("EARLY", expiry=NOW.date() + timedelta(days=100), on_hand={A2: 5}),
    lot(
        "HELD",
        expiry=NOW.date() + timedelta(days=50),
        on_hand={A2: 5},
        status=BatchStatus.QUARANTINED,
    ),
    lot("ELSEWHERE", expiry=NOW.date() + timedelta(days=60), on_hand={B1: 5}),
]


def test_a_fefo_deviation_raises_an_alert_per_pick_naming_the_earlier_lots() -> None:
    desk = Desk()
    deviation = FefoDeviation.from_picked("evt-pick-1", PICK)
    desk.event(fefo_deviation(deviation, LOTS, ZONES), "evt-pick-1", NOW)
    (alert,) = desk.open()
    assert (alert.key.alert_type, alert.key.subject, alert.severity) == (
        AlertType.FEFO_DEVIATION,
        "evt-pick-1",
        Severity.WARNING,
    )
    assert alert.details["earlier_lots"] == [
        {"lot": "EARLY", "expiry": (NOW.date() + timedelta(days=100)).isoformat(), "on_hand": 5}
    ]
    assert (alert.details["order_ref"], alert.details["qty"], alert.details["warehouse"]) == (
        "SO-9",
        3,
        "WH1",
    )
    assert json_native(dict(alert.details))
    second = FefoDeviation.from_picked("evt-pick-2", PICK)
    desk.event(fefo_deviation(second, LOTS, ZONES), "evt-pick-2", NOW)
    assert len(desk.open()) == 2


def test_a_fefo_deviation_names_only_the_earliest_skipped_lots() -> None:
    many = [
        lot(f"E{day:03d}", expiry=NOW.date() + timedelta(days=day), on_hand={A1: 1})
        for day in range(40, 60)
    ]
    deviation = FefoDeviation.from_picked("evt-pick-3", PICK)
    condition = fefo_deviation(deviation, [LOTS[0], *reversed(many)], ZONES)
    named = [entry["lot"] for entry in condition.details["earlier_lots"]]
    assert named == [f"E{day:03d}" for day in range(40, 40 + EARLIER_LOTS_NAMED)]


def test_fefo_deviations_are_never_resolved_by_the_rules_only_by_people() -> None:
    desk = Desk()
    deviation = FefoDeviation.from_picked("evt-pick-1", PICK)
    desk.event(fefo_deviation(deviation, LOTS, ZONES), "evt-pick-1", NOW)
    everything = Scope.everything(*AlertType)
    assert desk.evaluate_scope(everything, LATER) == []
    resolved = desk.resolve(desk.only_open(AlertType.FEFO_DEVIATION), LATER)
    assert resolved.alert.resolved_by == "manager-1"
