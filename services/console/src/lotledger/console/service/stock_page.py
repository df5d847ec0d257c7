"""Stock and expiry for one warehouse (or all the user sees): lines, what is on hold,
expiry buckets, levels against each product's reorder point and maximum."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lotledger.console.domain.stock import (
    Bucket,
    Level,
    Product,
    StockLine,
    expiry_buckets,
    levels,
)
from lotledger.console.service.apis import Apis, bounded


@dataclass(frozen=True)
class StockPage:
    warehouse: str | None
    warehouses: list[str]
    lines: list[StockLine]
    held: list[StockLine]
    buckets: list[Bucket]
    levels: list[Level]
    products: dict[str, Product]

    @property
    def names(self) -> dict[str, str]:
        return {g: p.name for g, p in self.products.items()}


async def stock_page(
    apis: Apis, token: str, warehouse: str | None, visible: list[str], today: date
) -> StockPage:
    """`visible`: the warehouses the token names (empty for `*`: those stock is seen in)."""
    lines = await apis.inventory.stock(token, warehouse=warehouse)
    lines.sort(key=lambda x: (x.warehouse, x.gtin, x.expiry, x.lot, x.location))
    gtins = sorted({line.gtin for line in lines})
    found = await bounded(gtins, lambda g: apis.inventory.product(token, g))
    products = {p.gtin: p for p in found if p is not None}
    warehouses = sorted(set(visible) | {line.warehouse for line in lines})
    return StockPage(
        warehouse=warehouse,
        warehouses=warehouses,
        lines=lines,
        held=[line for line in lines if line.on_hold],
        buckets=expiry_buckets(lines, today),
        levels=levels(lines, products, today),
        products=products,
    )
