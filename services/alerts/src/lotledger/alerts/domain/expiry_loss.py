"""The expiry-loss report: what was disposed of because it expired, at cost, by month.

A disposal counts when its reason is `expired`. Its value is the quantity times the lot's
cost (the quantity-weighted mean of its costed receipts), else the product's default cost;
without either it has no value and is listed with its quantity only. Totals are by month
and currency, never converted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from lotledger.alerts.domain.forecast_risk import Cost

EXPIRED_REASONS = frozenset({"expired"})


@dataclass(frozen=True)
class DisposedQty:
    gtin: str
    lot: str
    warehouse: str
    month: str
    qty: int


@dataclass(frozen=True)
class LossLine:
    month: str
    warehouse: str
    gtin: str
    lot: str
    qty: int
    cost: Cost | None

    @property
    def value(self) -> Decimal | None:
        return None if self.cost is None else self.cost.amount * self.qty


@dataclass(frozen=True)
class ExpiryLoss:
    lines: tuple[LossLine, ...]
    totals: Mapping[str, Mapping[str, Decimal]]
    """month → currency → value."""


def expiry_loss(
    disposals: Iterable[DisposedQty],
    lot_costs: Mapping[str, Mapping[str, Cost]],
    default_costs: Mapping[str, Cost],
) -> ExpiryLoss:
    """`lot_costs`: gtin → lot → cost; `default_costs`: gtin → the product's cost."""
    lines = []
    totals: dict[str, dict[str, Decimal]] = {}
    for d in disposals:
        cost = lot_costs.get(d.gtin, {}).get(d.lot) or default_costs.get(d.gtin)
        line = LossLine(d.month, d.warehouse, d.gtin, d.lot, d.qty, cost)
        lines.append(line)
        if line.value is not None and cost is not None:
            month = totals.setdefault(d.month, {})
            month[cost.currency] = month.get(cost.currency, Decimal(0)) + line.value
    ordered = sorted(lines, key=lambda x: (x.month, x.warehouse, x.gtin, x.lot))
    return ExpiryLoss(tuple(ordered), totals)
