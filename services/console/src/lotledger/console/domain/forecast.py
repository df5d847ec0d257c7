"""The forecast page's facts (alerts' `/v1/forecast/expiry-risk`): per product and
warehouse the FEFO-sequenced expiry risk, and the forecast stock curve drawn from it.

The curve follows the walk the alerts service made: a lot keeps its units until
consumption reaches it (`reached_on`), then loses `per_day` units a day until it is empty
or stops being sellable (`stops_sellable_on`), when what is left (its units at risk)
leaves the sellable stock at once. Days count from the report's first day (its `today`,
the earliest `reached_on`, else today)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class LotRisk:
    lot: str
    expiry: date
    qty: int
    qty_at_risk: int
    value_at_risk: str | None
    currency: str | None
    reached_on: date | None
    stops_sellable_on: date


@dataclass(frozen=True)
class ProductRisk:
    gtin: str
    warehouse: str
    per_day: float
    qty_at_risk: int
    value_at_risk: dict[str, str]
    days_of_cover: float | None
    stock_out_on: date | None
    lots: tuple[LotRisk, ...]
    held: int

    @property
    def at_risk(self) -> list[LotRisk]:
        return [lot for lot in self.lots if lot.qty_at_risk > 0]


def lot_left(lot: LotRisk, per_day: float, day: date) -> float:
    """Sellable units of `lot` left at the start of `day`."""
    if day >= lot.stops_sellable_on:
        return 0.0
    if lot.reached_on is None or day <= lot.reached_on:
        return float(lot.qty)
    return max(0.0, lot.qty - per_day * (day - lot.reached_on).days)


@dataclass(frozen=True)
class StockCurve:
    """`days[i]` (ISO dates) and the sellable units forecast at its start, `units[i]`."""

    gtin: str
    warehouse: str
    days: list[str]
    units: list[float]

    def as_json(self) -> dict[str, object]:
        return {"gtin": self.gtin, "warehouse": self.warehouse, "days": self.days,
                "units": self.units}  # fmt: skip


def stock_curve(risk: ProductRisk, today: date, horizon_days: int = 180) -> StockCurve:
    """Daily points from `today` through the last lot's end of selling (at most
    `horizon_days`), and one more at zero."""
    last = max((lot.stops_sellable_on for lot in risk.lots), default=today)
    span = min(max((last - today).days, 1), horizon_days)
    days = [today + timedelta(days=d) for d in range(span + 1)]
    units = [round(sum(lot_left(lot, risk.per_day, d) for lot in risk.lots), 2) for d in days]
    return StockCurve(risk.gtin, risk.warehouse, [d.isoformat() for d in days], units)
