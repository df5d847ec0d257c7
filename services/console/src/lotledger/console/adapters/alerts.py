"""The alerts API: the board's list, acknowledge, resolve; the forecast's expiry risk."""

from __future__ import annotations

import uuid
from typing import Any

from lotledger.console.adapters.http import Api
from lotledger.console.adapters.parsing import day, instant, maybe_day, maybe_float, maybe_str
from lotledger.console.domain.alerts import Alert
from lotledger.console.domain.forecast import LotRisk, ProductRisk

MAX_ALERTS = 500


class AlertsApi:
    def __init__(self, api: Api) -> None:
        self.api = api

    async def alerts(
        self,
        token: str,
        *,
        status: str | None,
        severity: str | None,
        type: str | None,
        warehouse: str | None,
    ) -> list[Alert]:
        body = await self.api.get(
            "/v1/alerts",
            token,
            {
                "status": status,
                "severity": severity,
                "type": type,
                "warehouse": warehouse,
                "limit": MAX_ALERTS,
            },
        )
        return [alert(a) for a in body["items"]]

    async def expiry_risk(
        self, token: str, *, warehouse: str | None, gtin: str | None = None, limit: int
    ) -> list[ProductRisk]:
        """Most units at risk first."""
        body = await self.api.get(
            "/v1/forecast/expiry-risk",
            token,
            {"warehouse": warehouse, "gtin": gtin, "limit": limit},
        )
        return [product_risk(item) for item in body["items"]]

    async def act(self, token: str, alert_id: str, action: str) -> Alert:
        """`ack` or `resolve`; a fresh Idempotency-Key per click, so a network retry of
        the same click does not act twice."""
        response = await self.api.request(
            "POST",
            f"/v1/alerts/{uuid.UUID(alert_id)}/{action}",
            token,
            headers={"idempotency-key": str(uuid.uuid4())},
        )
        return alert(response.json())


def alert(a: dict[str, Any]) -> Alert:
    return Alert(
        alert_id=a["alert_id"],
        type=a["type"],
        subject=a["subject"],
        tier=a["tier"],
        severity=a["severity"],
        status=a["status"],
        gtin=maybe_str(a.get("gtin")),
        warehouse=maybe_str(a.get("warehouse")),
        location=maybe_str(a.get("location")),
        warehouses=tuple(a.get("warehouses", [])),
        raised_at=instant(a["raised_at"]),
        acknowledged_by=maybe_str(a.get("acknowledged_by")),
        resolved_by=maybe_str(a.get("resolved_by")),
        details=a.get("details") or {},
    )


def product_risk(item: dict[str, Any]) -> ProductRisk:
    return ProductRisk(
        gtin=item["gtin"],
        warehouse=item["warehouse"],
        per_day=float(item["per_day"]),
        qty_at_risk=int(item["qty_at_risk"]),
        value_at_risk={str(c): str(v) for c, v in item["value_at_risk"].items()},
        days_of_cover=maybe_float(item.get("days_of_cover")),
        stock_out_on=maybe_day(item.get("stock_out_on")),
        lots=tuple(
            LotRisk(
                lot=lot["lot"],
                expiry=day(lot["expiry"]),
                qty=int(lot["qty"]),
                qty_at_risk=int(lot["qty_at_risk"]),
                value_at_risk=maybe_str(lot.get("value_at_risk")),
                currency=maybe_str(lot.get("currency")),
                reached_on=maybe_day(lot.get("reached_on")),
                stops_sellable_on=day(lot["stops_sellable_on"]),
            )
            for lot in item["lots"]
        ),
        held=sum(int(h["qty"]) for h in item.get("held", [])),
    )
