"""Alert lifecycle, topic `lotledger.alerts.v1`, key = alert id."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import AwareDatetime, Field

from lotledger.shared.contracts.common import Payload


class AlertType(StrEnum):
    NEAR_EXPIRY = "near_expiry"
    EXPIRED_ON_HAND = "expired_on_hand"
    LOW_STOCK = "low_stock"
    STOCK_OUT = "stock_out"
    OVERSTOCK = "overstock"
    TEMPERATURE_EXCURSION = "temperature_excursion"
    HUMIDITY_EXCURSION = "humidity_excursion"
    SENSOR_SILENT = "sensor_silent"
    RECALL = "recall"
    FEFO_DEVIATION = "fefo_deviation"
    WEBHOOK_FAILING = "webhook_failing"
    SYNC_CONFLICT = "sync_conflict"
    EXPIRY_RISK = "expiry_risk"
    REORDER_SUGGESTED = "reorder_suggested"
    SUSPECT_PRODUCT = "suspect_product"


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


class AlertStatus(StrEnum):
    RAISED = "raised"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class AlertChanged(Payload):
    alert_id: str
    alert_type: AlertType
    subject: str
    tier: str
    severity: Severity
    status: AlertStatus
    raised_at: AwareDatetime
    changed_at: AwareDatetime
    by: str | None = None
    acknowledged_by: str | None = None
    acknowledged_at: AwareDatetime | None = None
    resolved_by: str | None = None
    resolved_at: AwareDatetime | None = None
    gtin: str | None = None
    warehouse: str | None = None
    location: str | None = None
    warehouses: list[str] = Field(
        default=[],
        description="every warehouse the alert concerns, sorted (a recall: every warehouse "
        "the batch was ever in); empty for a system-wide alert (webhook_failing)",
    )
    details: dict[str, Any] = {}


RAISED = "lotledger.alert.raised.v1"
UPDATED = "lotledger.alert.updated.v1"
ACKNOWLEDGED = "lotledger.alert.acknowledged.v1"
RESOLVED = "lotledger.alert.resolved.v1"

EVENT_TYPES: dict[str, type[Payload]] = {
    RAISED: AlertChanged,
    UPDATED: AlertChanged,
    ACKNOWLEDGED: AlertChanged,
    RESOLVED: AlertChanged,
}
