"""Webhook subscriptions. A deleted subscription keeps its row (and its delivery log) with
`deleted_at` set; it receives nothing more. Health (consecutive failed attempts, failing
since) lives on the row and is changed only by the deliverer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lotledger.alerts.domain.webhook_secrets import SecretFormat
from lotledger.alerts.domain.webhooks import SubscriptionHealth
from lotledger.shared.contracts.alerts import AlertType
from lotledger.shared.db import Driver, Row


@dataclass(frozen=True)
class Subscription:
    """Alert `types` empty, with no `stock_types` either, means every alert type;
    `stock_types` names stock event types (or `lotledger.stock.*`) delivered as-is.
    `secret_format` says how the sealed secret makes the signing key (ADR 0006)."""

    subscription_id: str
    url: str
    types: frozenset[AlertType]
    created_by: str
    created_at: datetime
    consecutive_failures: int = 0
    failing_since: datetime | None = None
    deleted_at: datetime | None = None
    stock_types: frozenset[str] = frozenset()
    secret_format: SecretFormat = SecretFormat.STANDARD


_COLUMNS = (
    "subscription_id::text AS subscription_id, url, types, created_by, created_at, "
    "consecutive_failures, failing_since, deleted_at, stock_types, secret_format"
)


def _subscription(row: Row) -> Subscription:
    return Subscription(
        row["subscription_id"],
        row["url"],
        frozenset(AlertType(t) for t in row["types"]),
        row["created_by"],
        row["created_at"],
        row["consecutive_failures"],
        row["failing_since"],
        row["deleted_at"],
        frozenset(row["stock_types"]),
        SecretFormat(row["secret_format"]),
    )


class SubscriptionStore:
    def __init__(self, conn: Driver) -> None:
        self._conn = conn

    async def create(self, subscription: Subscription, sealed_secret: bytes) -> None:
        await self._conn.execute(
            "INSERT INTO subscriptions (subscription_id, url, types, secret_sealed, "
            "created_by, created_at, stock_types, secret_format) "
            "VALUES ($1::uuid, $2, $3, $4, $5, $6, $7, $8)",
            subscription.subscription_id,
            subscription.url,
            sorted(t.value for t in subscription.types),
            sealed_secret,
            subscription.created_by,
            subscription.created_at,
            sorted(subscription.stock_types),
            subscription.secret_format.value,
        )

    async def active(self) -> list[Subscription]:
        rows = await self._conn.fetch(
            f"SELECT {_COLUMNS} FROM subscriptions WHERE deleted_at IS NULL "  # noqa: S608
            "ORDER BY created_at, subscription_id"
        )
        return [_subscription(r) for r in rows]

    async def get(self, subscription_id: str, *, for_update: bool = False) -> Subscription | None:
        # No key changes: the projector's delivery rows (whose foreign key share-locks
        # the subscription) are not held up by a health update.
        lock = " FOR NO KEY UPDATE" if for_update else ""
        row = await self._conn.fetchrow(
            f"SELECT {_COLUMNS} FROM subscriptions "  # noqa: S608
            f"WHERE subscription_id = $1::uuid{lock}",
            subscription_id,
        )
        return _subscription(row) if row else None

    async def delete(self, subscription_id: str, by: str, at: datetime) -> None:
        await self._conn.execute(
            "UPDATE subscriptions SET deleted_at = $3, deleted_by = $2 "
            "WHERE subscription_id = $1::uuid AND deleted_at IS NULL",
            subscription_id,
            by,
            at,
        )

    async def sealed_secrets(self) -> dict[str, bytes]:
        rows = await self._conn.fetch(
            "SELECT subscription_id::text AS id, secret_sealed FROM subscriptions FOR UPDATE"
        )
        return {r["id"]: bytes(r["secret_sealed"]) for r in rows}

    async def replace_secret(self, subscription_id: str, sealed: bytes) -> None:
        await self._conn.execute(
            "UPDATE subscriptions SET secret_sealed = $2 WHERE subscription_id = $1::uuid",
            subscription_id,
            sealed,
        )

    async def save_health(self, health: SubscriptionHealth) -> None:
        await self._conn.execute(
            "UPDATE subscriptions SET consecutive_failures = $2, failing_since = $3 "
            "WHERE subscription_id = $1::uuid",
            health.subscription_id,
            health.consecutive_failures,
            health.failing_since,
        )


def health_of(subscription: Subscription) -> SubscriptionHealth:
    return SubscriptionHealth(
        subscription.subscription_id,
        subscription.url,
        subscription.consecutive_failures,
        subscription.failing_since,
    )
