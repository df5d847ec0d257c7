"""The forecast page for one warehouse (or all the user sees): the products with units
at risk, their at-risk lots, and the forecast stock curve of one product (the one asked
for, else the one with most units at risk)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lotledger.console.domain.forecast import ProductRisk, StockCurve, stock_curve
from lotledger.console.domain.stock import Product
from lotledger.console.service.apis import Apis, bounded

TOP = 50


@dataclass(frozen=True)
class ForecastPage:
    warehouse: str | None
    warehouses: list[str]
    risks: list[ProductRisk]
    """Products with units at risk, most first (at most `TOP`)."""
    chosen: ProductRisk | None
    curve: StockCurve | None
    products: dict[str, Product]

    def name(self, gtin: str) -> str:
        product = self.products.get(gtin)
        return product.name if product else gtin


async def forecast_page(
    apis: Apis,
    token: str,
    warehouse: str | None,
    gtin: str | None,
    visible: list[str],
    today: date,
) -> ForecastPage:
    found = await apis.alerts.expiry_risk(token, warehouse=warehouse, limit=TOP)
    risks = [r for r in found if r.qty_at_risk > 0]
    chosen: ProductRisk | None = risks[0] if risks else None
    if gtin is not None:
        asked = await apis.alerts.expiry_risk(token, warehouse=warehouse, gtin=gtin, limit=1)
        chosen = asked[0] if asked else None
    gtins = sorted({r.gtin for r in risks} | ({chosen.gtin} if chosen else set()))
    named = await bounded(gtins, lambda g: apis.inventory.product(token, g))
    return ForecastPage(
        warehouse=warehouse,
        warehouses=sorted(set(visible) | {r.warehouse for r in found}),
        risks=risks,
        chosen=chosen,
        curve=stock_curve(chosen, today) if chosen else None,
        products={p.gtin: p for p in named if p is not None},
    )
