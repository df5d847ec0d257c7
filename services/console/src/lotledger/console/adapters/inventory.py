"""The inventory API's reads the console needs: stock lines, products, locations."""

from __future__ import annotations

from typing import Any

from lotledger.console.adapters.http import Api
from lotledger.console.adapters.parsing import day, maybe_float, maybe_int, maybe_str
from lotledger.console.adapters.urls import lot_path
from lotledger.console.domain.errors import Missing, NotAllowed, Unavailable
from lotledger.console.domain.stock import Product, StockLine, holdings_at

MAX_LINES = 10_000


class InventoryApi:
    def __init__(self, api: Api) -> None:
        self.api = api

    async def stock(
        self, token: str, *, warehouse: str | None = None, gtin: str | None = None
    ) -> list[StockLine]:
        """Stock lines in the token's warehouses (one warehouse when given), at most
        MAX_LINES (inventory's page limit)."""
        body = await self.api.get(
            "/v1/stock", token, {"warehouse": warehouse, "gtin": gtin, "limit": MAX_LINES}
        )
        return [stock_line(line) for line in body["lines"]]

    async def product(self, token: str, gtin: str) -> Product | None:
        try:
            body = await self.api.get(f"/v1/products/{gtin}", token)
        except (Missing, NotAllowed):
            return None
        return Product(
            gtin=body["gtin"],
            name=str(body.get("name") or gtin),
            reorder_point=maybe_int(body.get("reorder_point")),
            max_stock=maybe_int(body.get("max_stock")),
        )

    async def humidity_range(self, token: str, location: str) -> tuple[float, float] | None:
        """The location's humidity bounds, when it has them and the token may read it."""
        try:
            body = await self.api.get(f"/v1/locations/{location}", token)
        except (Missing, NotAllowed):
            return None
        low, high = (
            maybe_float(body.get("humidity_min_pct")),
            maybe_float(body.get("humidity_max_pct")),
        )
        return (low, high) if low is not None and high is not None else None

    async def holding_statuses(self, token: str, gtin: str, lot: str) -> dict[str, str]:
        """Location → how the stock there is held (`holdings_at`), from inventory's batch view
        (`status`, `on_hand` and `held` by location and holding status); the lot page does
        without (an empty map) when inventory cannot say."""
        try:
            body = await self.api.get(f"/v1/batches/{lot_path(gtin, lot)}", token)
        except (Missing, NotAllowed, Unavailable):
            return {}
        on_hand = {str(loc): int(q) for loc, q in (body.get("on_hand") or {}).items()}
        held = {
            str(loc): {str(k): int(q) for k, q in by_status.items()}
            for loc, by_status in (body.get("held") or {}).items()
        }
        return holdings_at(str(body.get("status") or "available"), on_hand, held)


def stock_line(line: dict[str, Any]) -> StockLine:
    return StockLine(
        gtin=line["gtin"],
        lot=line["lot"],
        location=line["location"],
        warehouse=line["warehouse"],
        qty=int(line["qty"]),
        status=str(line["status"]),
        expiry=day(line["expiry"]),
        holding_status=maybe_str(line.get("holding_status")),
    )
