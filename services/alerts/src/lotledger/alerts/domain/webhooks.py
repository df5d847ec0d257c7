"""Pure pieces of webhook delivery (DESIGN §9); the HTTP client and the delivery outbox
are adapters.

- Delivery id: one per (subscription, alert change or stock event), the same on every
  attempt; it is the request's `webhook-id`, so a receiver processes each once. Signing
  by the Standard Webhooks convention is the adapter's (`adapters.webhook_signing`).
- Retries: after failed attempt n the next waits min(cap, base·factor^(n−1)), spread by
  ±jitter and lengthened to a receiver's Retry-After (still capped). After `max_attempts`
  the delivery is given up: recorded as such, never silently dropped.
- A subscription is failing after `failing_after` consecutive failed attempts, over all
  its deliveries; any successful attempt clears it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from lotledger.alerts.domain.conditions import AlertKey, Condition, Evaluation, Scope
from lotledger.alerts.domain.severity import SEVERITY
from lotledger.shared.contracts.alerts import AlertType
from lotledger.shared.errors import Conflict, DomainError

NAMESPACE = uuid.UUID("0b8e7a52-3c1d-5f7e-8a90-1d2c3b4a5f60")

Random = Callable[[], float]


class InvalidRetryPolicy(DomainError):
    pass


class DeliveryFinished(Conflict):
    """A delivered or given-up delivery takes no further attempts."""


def delivery_id(subscription_id: str, event_id: str) -> str:
    """Stable per subscription and alert-change event id."""
    return str(uuid.uuid5(NAMESPACE, f"{subscription_id}\x1f{event_id}"))


def wants(types: frozenset[AlertType], alert_type: AlertType) -> bool:
    """A subscription with no types receives every type."""
    return not types or alert_type in types


@dataclass(frozen=True)
class RetryPolicy:
    """Defaults: 12 attempts over about 14.5 hours (30 s, 1, 2, 4 … min, capped at 6 h)."""

    base_seconds: float = 30.0
    factor: float = 2.0
    max_delay_seconds: float = 6 * 3600.0
    max_attempts: int = 12
    jitter: float = 0.2
    failing_after: int = 5

    def __post_init__(self) -> None:
        if not 0 < self.base_seconds <= self.max_delay_seconds:
            raise InvalidRetryPolicy("need 0 < base_seconds <= max_delay_seconds")
        if self.factor < 1 or not 0 <= self.jitter < 1:
            raise InvalidRetryPolicy("need factor >= 1 and 0 <= jitter < 1")
        if self.max_attempts < 1 or self.failing_after < 1:
            raise InvalidRetryPolicy("need max_attempts >= 1 and failing_after >= 1")

    def delay(
        self, failed_attempts: int, random: Random, retry_after: float | None = None
    ) -> timedelta:
        """The wait after `failed_attempts` (≥ 1) failures; `random()` lies in [0, 1)."""
        exponent = min(failed_attempts - 1, 64)
        nominal = min(self.max_delay_seconds, self.base_seconds * self.factor**exponent)
        spread = nominal * (1 - self.jitter + 2 * self.jitter * random())
        seconds = min(self.max_delay_seconds, max(spread, retry_after or 0.0))
        return timedelta(seconds=seconds)

    def schedule(self, random: Random) -> list[timedelta]:
        """The waits before attempts 2 … `max_attempts`."""
        return [self.delay(n, random) for n in range(1, self.max_attempts)]


@dataclass(frozen=True)
class Outcome:
    """One attempt's result; `status_code` None means no HTTP answer (refused, timeout)."""

    status_code: int | None
    error: str | None = None
    retry_after_seconds: float | None = None

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    GAVE_UP = "gave_up"
    CANCELLED = "cancelled"
    """The subscription was deleted before the delivery finished."""


@dataclass(frozen=True)
class Delivery:
    delivery_id: str
    subscription_id: str
    next_attempt_at: datetime | None
    attempts: int = 0
    status: DeliveryStatus = DeliveryStatus.PENDING


def after_attempt(
    delivery: Delivery, outcome: Outcome, now: datetime, policy: RetryPolicy, random: Random
) -> Delivery:
    """The delivery after an attempt made at `now` with `outcome`."""
    if delivery.status is not DeliveryStatus.PENDING:
        raise DeliveryFinished(f"delivery {delivery.delivery_id} is {delivery.status}")
    attempts = delivery.attempts + 1
    if outcome.succeeded:
        return replace(
            delivery, attempts=attempts, status=DeliveryStatus.DELIVERED, next_attempt_at=None
        )
    if attempts >= policy.max_attempts:
        return replace(
            delivery, attempts=attempts, status=DeliveryStatus.GAVE_UP, next_attempt_at=None
        )
    wait = policy.delay(attempts, random, outcome.retry_after_seconds)
    return replace(delivery, attempts=attempts, next_attempt_at=now + wait)


@dataclass(frozen=True)
class SubscriptionHealth:
    subscription_id: str
    url: str
    consecutive_failures: int = 0
    failing_since: datetime | None = None


def record_attempt(
    health: SubscriptionHealth, outcome: Outcome, now: datetime, policy: RetryPolicy
) -> SubscriptionHealth:
    if outcome.succeeded:
        return replace(health, consecutive_failures=0, failing_since=None)
    failures = health.consecutive_failures + 1
    failing = failures >= policy.failing_after
    return replace(
        health,
        consecutive_failures=failures,
        failing_since=(health.failing_since or now) if failing else None,
    )


def webhook_failing(health: SubscriptionHealth) -> Evaluation:
    """Holds while the subscription is failing (`failing_since` is set)."""
    scope = Scope.of(health.subscription_id, AlertType.WEBHOOK_FAILING)
    if health.failing_since is None:
        return Evaluation(scope)
    details = {
        "subscription_id": health.subscription_id,
        "url": health.url,
        "failing_since": health.failing_since.isoformat(),
    }
    key = AlertKey(AlertType.WEBHOOK_FAILING, health.subscription_id)
    return Evaluation(scope, (Condition(key, SEVERITY[AlertType.WEBHOOK_FAILING], details),))


STOCK_WILDCARD = "lotledger.stock.*"
"""Subscribes a webhook to every stock event type."""
