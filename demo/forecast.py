"""The day's end: the forecast's top expiry risks and reorder suggestions in the demo
warehouse (alerts' `/v1/forecast/*`, docs/adr/0015-forecast.md). One day of picks is
all the history there is, so velocities are the day's and the forecast alerts (which
wait for 14 days of history) stay quiet; the reports answer from the first day."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from demo.api import Api, Report

TOP = 5


@dataclass(frozen=True)
class Forecast:
    risks: list[dict[str, Any]]
    reorders: list[dict[str, Any]]


async def forecast(api: Api, warehouse: str = "WH1") -> Forecast:
    params = {"warehouse": warehouse, "limit": 1000}
    risk = await api.ok("GET", "alerts", "/v1/forecast/expiry-risk", "qa", params=params)
    plan = await api.ok("GET", "alerts", "/v1/forecast/replenishment", "qa", params=params)
    risks = [item for item in risk["items"] if item["qty_at_risk"] > 0][:TOP]
    reorders = [item for item in plan["items"] if item["reorder"]][:TOP]
    return Forecast(risks, reorders)


def render_forecast(found: Forecast, report: Report) -> None:
    report("")
    report("top expiry risks (FEFO-sequenced, at today's pick rate):")
    for item in found.risks:
        value = ", ".join(f"{v} {c}" for c, v in item["value_at_risk"].items()) or "no cost"
        lots = ", ".join(
            f"{lot['lot']} {lot['qty_at_risk']} by {lot['stops_sellable_on']}"
            for lot in item["lots"]
            if lot["qty_at_risk"]
        )
        report(
            f"  {item['gtin']}  {item['qty_at_risk']:>5} units ({value}) at "
            f"{item['per_day']:.1f}/day: {lots}"
        )
    if not found.risks:
        report("  none")
    report("reorder suggestions (ROP = v·L + z·σ·√L):")
    for item in found.reorders:
        report(
            f"  {item['gtin']}  position {item['position']:>5} ≤ ROP {item['reorder_point']:>5}: "
            f"order {item['suggested_qty']} (lead time {item['lead_time_days']} d, "
            f"service level {item['service_level']:.0%})"
        )
    if not found.reorders:
        report("  none")
    report("")
    report("the system stays up; `make down` stops it, `make demo` plays another day")
