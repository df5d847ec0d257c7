"""The alerts API: the board's list, acknowledge, resolve."""

from __future__ import annotations

import uuid
from typing import Any

from lotledger.console.adapters.http import Api
from lotledger.console.adapters.parsing import instant, maybe_str
from lotledger.console.domain.alerts import Alert

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
