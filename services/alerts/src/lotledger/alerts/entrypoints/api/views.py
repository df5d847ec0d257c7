"""Response models: what the API shows, distinct from the rows behind it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from lotledger.alerts.adapters.rules_store import RulesChange, StoredRules
from lotledger.alerts.adapters.subscriptions import Subscription
from lotledger.alerts.domain.alert import Alert
from lotledger.alerts.domain.webhook_secrets import SecretFormat
from lotledger.shared.contracts.alerts import AlertStatus, AlertType, Severity


class AlertView(BaseModel):
    alert_id: str
    type: AlertType
    subject: str
    tier: str
    severity: Severity
    status: AlertStatus
    gtin: str | None
    warehouse: str | None
    location: str | None
    warehouses: list[str] = Field(
        description="the warehouses the alert concerns that the caller's token covers "
        "(all of them for `*`); empty only for a system-wide alert"
    )
    details: dict[str, Any] = Field(
        description="a caller covering only some of the alert's warehouses sees their part"
    )
    raised_at: datetime
    changed_at: datetime
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    resolved_by: str | None
    resolved_at: datetime | None


class AlertPage(BaseModel):
    items: list[AlertView]
    next_cursor: str | None


def alert_view(alert: Alert) -> AlertView:
    place = alert.place
    return AlertView(
        alert_id=alert.alert_id,
        type=alert.key.alert_type,
        subject=alert.key.subject,
        tier=alert.key.tier,
        severity=alert.severity,
        status=alert.status,
        gtin=place.gtin,
        warehouse=place.warehouse,
        location=place.location,
        warehouses=list(alert.warehouses),
        details=dict(alert.details),
        raised_at=alert.raised_at,
        changed_at=alert.changed_at,
        acknowledged_by=alert.acknowledged_by,
        acknowledged_at=alert.acknowledged_at,
        resolved_by=alert.resolved_by,
        resolved_at=alert.resolved_at,
    )


class RulesView(BaseModel):
    near_expiry_days: list[int]
    sensor_silence_minutes: int
    excursion_grace_minutes: int
    sweep_interval_seconds: int
    out_of_range_silence_minutes: int
    version: int
    updated_at: datetime | None
    updated_by: str | None


def rules_view(stored: StoredRules) -> RulesView:
    config = stored.config
    return RulesView(
        near_expiry_days=list(config.near_expiry_days),
        sensor_silence_minutes=config.sensor_silence_minutes,
        excursion_grace_minutes=config.excursion_grace_minutes,
        sweep_interval_seconds=config.sweep_interval_seconds,
        out_of_range_silence_minutes=config.out_of_range_silence_minutes,
        version=stored.version,
        updated_at=stored.updated_at,
        updated_by=stored.updated_by,
    )


class RulesChangeView(BaseModel):
    version: int
    actor: str
    device: str | None
    at: datetime
    before: dict[str, Any]
    after: dict[str, Any]

    @classmethod
    def of(cls, change: RulesChange) -> RulesChangeView:
        return cls(
            version=change.version,
            actor=change.actor,
            device=change.device,
            at=change.at,
            before=change.before,
            after=change.after,
        )


class WebhookView(BaseModel):
    """A subscription; its secret is never shown."""

    webhook_id: str
    url: str
    types: list[AlertType]
    stock_events: list[str]
    created_by: str
    created_at: datetime
    failing: bool
    failing_since: datetime | None
    consecutive_failures: int
    legacy_signature: bool = Field(
        description="created before Standard Webhooks secrets: its requests also carry the "
        "deprecated X-Lotledger-Signature; re-create it with a whsec_ secret to drop it"
    )

    @classmethod
    def of(cls, subscription: Subscription) -> WebhookView:
        return cls(
            webhook_id=subscription.subscription_id,
            url=subscription.url,
            types=sorted(subscription.types),
            stock_events=sorted(subscription.stock_types),
            created_by=subscription.created_by,
            created_at=subscription.created_at,
            failing=subscription.failing_since is not None,
            failing_since=subscription.failing_since,
            consecutive_failures=subscription.consecutive_failures,
            legacy_signature=subscription.secret_format is SecretFormat.LEGACY,
        )


class AttemptView(BaseModel):
    attempt: int
    at: datetime
    status_code: int | None
    error: str | None
    duration_ms: float


class DeliveryView(BaseModel):
    delivery_id: str
    event_id: str
    event_type: str
    order_key: str = Field(description="the alert id, or a stock event's batch id")
    status: str
    attempts: int
    next_attempt_at: datetime | None
    created_at: datetime
    finished_at: datetime | None
    log: list[AttemptView]


class DeliveryPage(BaseModel):
    items: list[DeliveryView]
    next_cursor: str | None
