"""From lot facts to the forecast alerts: which stock is sellable, what a lot costs, and
when expiry_risk and reorder_suggested hold."""

from datetime import timedelta
from decimal import Decimal

from lotledger.alerts.domain.conditions import Evaluation
from lotledger.alerts.domain.facts import LotFacts, ProductThresholds
from lotledger.alerts.domain.forecast import (
    CostedReceipts,
    WarehouseHistory,
    forecast_product,
    lot_cost,
)
from lotledger.alerts.domain.forecast_risk import Cost
from lotledger.alerts.domain.forecast_rules import evaluate_forecast
from lotledger.shared.contracts.alerts import AlertType
from lotledger.shared.contracts.catalog import WarehouseThresholds
from lotledger.shared.contracts.stock import BatchStatus
from tests.unit.alerts.fixtures import A1, GTIN, NOW, ZONES, lot

TODAY = NOW.date()
TEN_A_DAY = WarehouseHistory("WH1", TODAY - timedelta(days=19), 400, {TODAY: 200})


def types(evaluation: Evaluation) -> list[AlertType]:
    return [c.key.alert_type for c in evaluation.conditions]


def test_a_lots_cost_is_the_quantity_weighted_mean_in_its_main_currency() -> None:
    receipts = [
        CostedReceipts("EUR", 10, Decimal("20.00")),
        CostedReceipts("EUR", 30, Decimal("120.00")),
        CostedReceipts("USD", 5, Decimal("100.00")),
    ]
    assert lot_cost(receipts) == Cost(Decimal("3.5"), "EUR")
    assert lot_cost([]) is None


def test_quarantined_and_held_stock_is_reported_apart() -> None:
    lots = [
        lot("Q", TODAY + timedelta(days=20), {A1: 30}, status=BatchStatus.QUARANTINED),
        LotFacts(GTIN, "A", TODAY + timedelta(days=40), BatchStatus.AVAILABLE, {A1: 50}, {A1: 10}),
    ]
    (wh1,) = forecast_product(GTIN, lots, {}, {"WH1": TEN_A_DAY}, None, ZONES, NOW)
    assert [(h.lot, h.qty) for h in wh1.risk.held] == [("Q", 30), ("A", 10)]
    assert [(r.lot, r.qty) for r in wh1.risk.lots] == [("A", 40)]


def test_expiry_risk_names_the_lots_and_honours_the_thresholds() -> None:
    lots = [lot("A", TODAY + timedelta(days=3), {A1: 100})]
    costs = {"A": Cost(Decimal("2"), "EUR")}
    forecasts = forecast_product(GTIN, lots, costs, {"WH1": TEN_A_DAY}, None, ZONES, NOW)
    risk, reorder = evaluate_forecast(GTIN, forecasts, None).conditions
    assert risk.key.alert_type is AlertType.EXPIRY_RISK
    assert reorder.details["position"] == 40
    assert risk.key.subject == f"{GTIN}@WH1"
    assert risk.details["qty_at_risk"] == 60
    assert risk.details["value_at_risk"] == {"EUR": "120.00"}
    assert [lot["lot"] for lot in risk.details["lots"]] == ["A"]
    lenient = ProductThresholds(GTIN, currency="EUR", expiry_risk_qty=60)
    assert types(evaluate_forecast(GTIN, forecasts, lenient)) == [AlertType.REORDER_SUGGESTED]
    by_value = ProductThresholds(GTIN, currency="EUR", expiry_risk_value=Decimal("100"))
    assert AlertType.EXPIRY_RISK in types(evaluate_forecast(GTIN, forecasts, by_value))


def test_reorder_is_suggested_below_the_dynamic_reorder_point_per_warehouse() -> None:
    lots = [lot("A", TODAY + timedelta(days=300), {A1: 60})]
    thresholds = ProductThresholds(
        GTIN, lead_time_days=3, warehouses={"WH1": WarehouseThresholds(lead_time_days=7)}
    )
    forecasts = forecast_product(GTIN, lots, {}, {"WH1": TEN_A_DAY}, thresholds, ZONES, NOW)
    (reorder,) = evaluate_forecast(GTIN, forecasts, thresholds).conditions
    assert reorder.key.alert_type is AlertType.REORDER_SUGGESTED
    assert reorder.details["lead_time_days"] == 7
    assert reorder.details["position"] == 60
    assert reorder.details["reorder_point"] >= 70
    assert reorder.details["suggested_qty"] == 10 * (7 + 30) - 60


def test_forecast_alerts_wait_for_enough_history() -> None:
    lots = [lot("A", TODAY + timedelta(days=3), {A1: 100})]
    young = WarehouseHistory("WH1", TODAY - timedelta(days=5), 400, {TODAY: 60})
    forecasts = forecast_product(GTIN, lots, {}, {"WH1": young}, None, ZONES, NOW)
    assert forecasts[0].risk.qty_at_risk > 0
    assert evaluate_forecast(GTIN, forecasts, None, min_history_days=14).conditions == ()
    assert len(evaluate_forecast(GTIN, forecasts, None, min_history_days=6).conditions) == 2


def test_master_data_out_of_range_falls_back_to_the_defaults() -> None:
    """The catalog is inventory's to validate; a record it would refuse never stops the
    projector here."""
    odd = ProductThresholds(GTIN, lead_time_days=-1, service_level=1.5)
    lots = [lot("A", TODAY + timedelta(days=300), {A1: 60})]
    (wh1,) = forecast_product(GTIN, lots, {}, {"WH1": TEN_A_DAY}, odd, ZONES, NOW)
    assert (wh1.policy.lead_time_days, wh1.policy.service_level) == (7, 0.95)
