"""Every alert names the warehouses it concerns, as the rules raise it; who sees it, who
acts on it, and what a viewer covering only some of a recall's warehouses sees of it."""

from datetime import date, timedelta

from lotledger.alerts.domain import climate, rules, suspect, triggered
from lotledger.alerts.domain.alert import Alert
from lotledger.alerts.domain.climate_facts import ExcursionRecord, SensorFacts
from lotledger.alerts.domain.conditions import Condition, Evaluation
from lotledger.alerts.domain.facts import (
    FefoDeviation,
    ProductThresholds,
    RecallFacts,
    Shipment,
)
from lotledger.alerts.domain.forecast import WarehouseHistory, forecast_product
from lotledger.alerts.domain.forecast_rules import evaluate_forecast
from lotledger.alerts.domain.levels import product_stock
from lotledger.alerts.domain.rules_config import RulesConfig
from lotledger.alerts.domain.visibility import Viewer
from lotledger.alerts.domain.webhooks import SubscriptionHealth, webhook_failing
from lotledger.shared.contracts.alerts import AlertType
from lotledger.shared.contracts.excursions import ExcursionKind
from lotledger.shared.contracts.stock import BatchStatus, RecallClass
from lotledger.shared.contracts.sync import SuspectPack, SuspectReturnRecorded, SyncConflictRecorded
from tests.unit.alerts.fixtures import A1, B1, GTIN, NOW, ZONES, Desk, lot

CONFIG = RulesConfig()
PARTY_1, PARTY_2, PARTY_3 = "9506000000022", "9506000000039", "9506000000046"


def _wh2_conditions() -> list[Condition]:
    """One condition of every type with a warehouse, each in WH2 (B1)."""
    soon = lot("N", expiry=NOW.date() + timedelta(days=60), on_hand={B1: 5})
    gone = lot("X", expiry=date(2025, 12, 1), on_hand={B1: 5})
    thresholds = ProductThresholds(GTIN, reorder_point=10, max_stock=3)
    low = product_stock(GTIN, [lot("L", on_hand={B1: 4})], ["WH2"], ZONES, NOW)
    empty = product_stock(GTIN, [], ["WH2"], ZONES, NOW)
    excursion = ExcursionRecord("EX-2", B1, ExcursionKind.TEMPERATURE_HIGH, 8, NOW, 9.5)
    humid = ExcursionRecord("EX-3", B1, ExcursionKind.HUMIDITY_HIGH, 75, NOW, 80)
    silent = SensorFacts("T-2", B1, NOW - timedelta(hours=1), registered=True)
    recall = RecallFacts(GTIN, "R", "RC-1", RecallClass.I, "x", NOW, warehouses=frozenset({"WH2"}))
    deviation = FefoDeviation("evt-1", GTIN, "F", B1, 1, "SO-1", PARTY_1, NOW)
    today = ZONES.today("WH2", NOW)
    picks = WarehouseHistory("WH2", today - timedelta(days=19), 365, {today: 200})
    wasted = lot("W", expiry=today + timedelta(days=5), on_hand={B1: 500})
    short = lot("S", expiry=today + timedelta(days=300), on_hand={B1: 5})
    evaluations = [
        *(
            evaluate_forecast(
                GTIN, forecast_product(GTIN, [held], {}, {"WH2": picks}, None, ZONES, NOW), None
            )
            for held in (wasted, short)
        ),
        rules.evaluate_lot(soon, None, ZONES, CONFIG, NOW),
        rules.evaluate_lot(gone, None, ZONES, CONFIG, NOW),
        rules.low_stock(low, thresholds),
        rules.overstock(low, thresholds),
        rules.stock_out(empty, thresholds),
        climate.temperature_excursion(excursion, CONFIG, NOW),
        climate.humidity_excursion(humid, CONFIG, NOW),
        climate.sensor_silent(silent, CONFIG, NOW),
    ]
    return [
        *Evaluation.merge(evaluations).conditions,
        triggered.recall_raised(recall, lot("R", on_hand={})),
        triggered.fefo_deviation(deviation, [], ZONES),
        triggered.sync_conflict(
            SyncConflictRecorded(
                conflict_id="c-1",
                client_op_id="op-1",
                op="pick",
                operation={"qty": 2},
                problem={"type": "urn:lotledger:problem:insufficient-stock", "status": 409},
                warehouses=["WH2"],
                actor="scanner-7",
                recorded_at=NOW,
            )
        ),
        suspect.suspect_product(
            SuspectReturnRecorded(
                return_id="r-1",
                from_party=PARTY_1,
                location=B1,
                warehouses=["WH2"],
                reason="overstock",
                packs=[SuspectPack(gtin=GTIN, serial="S1", verdict="unknown_serial")],
                actor="scanner-7",
                recorded_at=NOW,
            )
        ),
    ]


def _raised(condition: Condition) -> Alert:
    return Desk().event(condition, "evt", NOW)[0].alert


def test_every_alert_type_names_the_warehouses_it_concerns() -> None:
    failing = SubscriptionHealth("sub-1", "https://erp.example/hook", 5, NOW)
    (system_wide,) = webhook_failing(failing).conditions
    alerts = [_raised(c) for c in [*_wh2_conditions(), system_wide]]
    by_type = {a.key.alert_type: a.warehouses for a in alerts}
    assert by_type == {t: () if t is AlertType.WEBHOOK_FAILING else ("WH2",) for t in AlertType}


def test_a_viewer_sees_alerts_of_its_warehouses_and_system_wide_ones_only_with_star() -> None:
    failing = SubscriptionHealth("sub-1", "https://erp.example/hook", 5, NOW)
    (system_wide,) = webhook_failing(failing).conditions
    every, wh1, wh2 = Viewer(None), Viewer(frozenset({"WH1"})), Viewer(frozenset({"WH2"}))
    for alert in map(_raised, _wh2_conditions()):
        assert (every.sees(alert), wh2.sees(alert), wh1.sees(alert)) == (True, True, False)
        assert (every.acts_on(alert), wh2.acts_on(alert), wh1.acts_on(alert)) == (
            True,
            True,
            False,
        )
        assert wh2.seen(alert) == alert
    nobodys = _raised(system_wide)
    assert (every.sees(nobodys), wh1.sees(nobodys), Viewer(frozenset()).sees(nobodys)) == (
        True,
        False,
        False,
    )
    assert (every.acts_on(nobodys), Viewer(frozenset()).acts_on(nobodys)) == (True, False)


def _shared_recall() -> Alert:
    """Received in WH2, shipped to PARTY_1 from there, moved to WH1, shipped to PARTY_2
    from WH1 and returned by PARTY_3 into WH1; PARTY_1 also got some before shipments
    were kept per warehouse."""
    facts = RecallFacts(
        GTIN,
        "S",
        "RC-2",
        RecallClass.II,
        "mislabel",
        NOW,
        shipments=(
            Shipment(PARTY_1, "", shipped=1),
            Shipment(PARTY_1, "WH2", shipped=3),
            Shipment(PARTY_2, "WH1", shipped=2),
            Shipment(PARTY_3, "WH1", returned=1),
        ),
        warehouses=frozenset({"WH1", "WH2"}),
    )
    held = lot("S", on_hand={A1: 6}, status=BatchStatus.RECALLED)
    return _raised(triggered.recall_raised(facts, held))


def test_a_recall_concerns_every_warehouse_the_lot_was_in_and_each_sees_its_part() -> None:
    alert = _shared_recall()
    assert alert.warehouses == ("WH1", "WH2")
    assert alert.details["consignees"] == [
        {"party": PARTY_1, "shipped": 4, "returned": 0, "outstanding": 4},
        {"party": PARTY_2, "shipped": 2, "returned": 0, "outstanding": 2},
        {"party": PARTY_3, "shipped": 0, "returned": 1, "outstanding": 0},
    ]
    assert Viewer(frozenset({"WH1", "WH2", "WH9"})).seen(alert) == alert

    wh1 = Viewer(frozenset({"WH1"})).seen(alert)
    assert wh1.warehouses == ("WH1",)
    assert (wh1.details["on_hand"], wh1.details["locations"]) == (6, {A1: 6})
    assert wh1.details["consignees"] == [
        {"party": PARTY_2, "shipped": 2, "returned": 0, "outstanding": 2},
        {"party": PARTY_3, "shipped": 0, "returned": 1, "outstanding": 0},
    ]
    assert list(wh1.details["by_warehouse"]) == ["WH1"]
    assert wh1.details["recall_id"] == "RC-2"

    wh2 = Viewer(frozenset({"WH2", "WH3"})).seen(alert)
    assert wh2.warehouses == ("WH2",)
    assert (wh2.details["on_hand"], wh2.details["locations"]) == (0, {})
    assert wh2.details["consignees"] == [
        {"party": PARTY_1, "shipped": 3, "returned": 0, "outstanding": 3}
    ]
    for partial in (Viewer(frozenset({"WH1"})), Viewer(frozenset({"WH2"}))):
        assert partial.sees(alert)
        assert not partial.acts_on(alert)
    assert Viewer(frozenset({"WH1", "WH2"})).acts_on(alert)


def test_a_recall_gains_the_warehouses_its_lot_reaches_later() -> None:
    facts = RecallFacts(GTIN, "S", "RC-3", RecallClass.I, "x", NOW, warehouses=frozenset({"WH2"}))
    desk = Desk()
    (raised,) = desk.event(triggered.recall_raised(facts, lot("S", on_hand={})), "evt", NOW)
    assert raised.alert.warehouses == ("WH2",)
    returned = lot("S", on_hand={A1: 2}, status=BatchStatus.RECALLED)
    (updated,) = desk.evaluate(triggered.recall(facts, returned), NOW + timedelta(hours=1))
    assert updated.alert.warehouses == ("WH1", "WH2")
    assert updated.payload().warehouses == ["WH1", "WH2"]
