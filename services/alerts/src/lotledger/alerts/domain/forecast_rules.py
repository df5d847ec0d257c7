"""The forecast's alerts, per product and warehouse (subject `{gtin}@{warehouse}`,
group `{gtin}`):

- `expiry_risk`: units are forecast at risk and more than the product's
  `expiry_risk_qty`, or their value in the product's currency exceeds its
  `expiry_risk_value`; with neither set, any unit at risk. The lots at risk are named.
- `reorder_suggested`: the replenishment suggests an order (`Replenishment.reorder`).

Both wait until the velocity's window spans `min_history_days` (the report shows the
forecast from the first day; an alert on a product received yesterday and never picked
would call every unit at risk).

Details are the forecast itself, so an alert updates when the forecast changes (an event,
or the daily sweep once a day has passed) and not otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lotledger.alerts.domain.conditions import AlertKey, Condition, Evaluation, Scope
from lotledger.alerts.domain.facts import ProductThresholds
from lotledger.alerts.domain.forecast import DEFAULT_MIN_HISTORY_DAYS, WarehouseForecast
from lotledger.alerts.domain.severity import SEVERITY
from lotledger.alerts.domain.subjects import stock_subject
from lotledger.shared.contracts.alerts import AlertType

FORECAST_TYPES = (AlertType.EXPIRY_RISK, AlertType.REORDER_SUGGESTED)
LOTS_NAMED = 20


def _money(values: dict[str, Any]) -> dict[str, str]:
    return {currency: f"{value:.2f}" for currency, value in sorted(values.items())}


def at_risk(forecast: WarehouseForecast, thresholds: ProductThresholds) -> bool:
    risk = forecast.risk
    if risk.qty_at_risk == 0:
        return False
    qty, value = thresholds.expiry_risk_qty, thresholds.expiry_risk_value
    if qty is None and value is None:
        return True
    over_qty = qty is not None and risk.qty_at_risk > qty
    worth = risk.value_at_risk.get(thresholds.currency or "")
    over_value = value is not None and worth is not None and worth > value
    return over_qty or over_value


def expiry_risk_condition(forecast: WarehouseForecast) -> Condition:
    risk = forecast.risk
    lots = [
        {
            "lot": lot.lot,
            "expiry": lot.expiry.isoformat(),
            "stops_sellable_on": lot.stops_sellable_on.isoformat(),
            "qty_at_risk": lot.qty_at_risk,
            **({"value_at_risk": f"{lot.value_at_risk:.2f}"} if lot.value_at_risk else {}),
            **({"currency": lot.currency} if lot.currency else {}),
        }
        for lot in risk.lots
        if lot.qty_at_risk
    ]
    details = {
        "gtin": forecast.gtin,
        "warehouse": forecast.warehouse,
        "qty_at_risk": risk.qty_at_risk,
        "value_at_risk": _money(dict(risk.value_at_risk)),
        "lots": lots[:LOTS_NAMED],
    }
    key = AlertKey(AlertType.EXPIRY_RISK, stock_subject(forecast.gtin, forecast.warehouse))
    return Condition(key, SEVERITY[AlertType.EXPIRY_RISK], details)


def reorder_condition(forecast: WarehouseForecast) -> Condition:
    plan, policy = forecast.plan, forecast.policy
    details = {
        "gtin": forecast.gtin,
        "warehouse": forecast.warehouse,
        "reorder_point": plan.reorder_point,
        "position": plan.position,
        "suggested_qty": plan.suggested_qty,
        "target": plan.target,
        "lead_time_days": policy.lead_time_days,
        "service_level": policy.service_level,
        "per_day": round(float(forecast.velocity.per_day), 3),
    }
    key = AlertKey(AlertType.REORDER_SUGGESTED, stock_subject(forecast.gtin, forecast.warehouse))
    return Condition(key, SEVERITY[AlertType.REORDER_SUGGESTED], details)


def evaluate_forecast(
    gtin: str,
    forecasts: Iterable[WarehouseForecast],
    thresholds: ProductThresholds | None,
    min_history_days: int = DEFAULT_MIN_HISTORY_DAYS,
) -> Evaluation:
    known = thresholds or ProductThresholds(gtin)
    conditions: list[Condition] = []
    for forecast in forecasts:
        if forecast.velocity.days < min_history_days:
            continue
        if at_risk(forecast, known):
            conditions.append(expiry_risk_condition(forecast))
        if forecast.plan.reorder:
            conditions.append(reorder_condition(forecast))
    return Evaluation(Scope.of(gtin, *FORECAST_TYPES), tuple(conditions))
