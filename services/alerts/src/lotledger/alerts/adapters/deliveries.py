"""The webhook delivery outbox and its attempt log.

A delivery row is written in the transaction that changed the alert, one per interested
subscription, with the exact body to send (the alert event's CloudEvent JSON). It stays
`pending` until an attempt gets a 2xx (`delivered`), attempts run out (`gave_up`) or the
subscription is deleted (`cancelled`). `next_attempt_at` NULL means "due now": a new row
waits for no clock but the deliverer's own.

Order: a delivery is not due while an earlier pending delivery with the same order key
(the alert id, or the batch id of a stock event) to the same subscription exists, so each
receiver sees one alert's changes, and one batch's stock events, in order; deliveries with
different keys never wait for each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lotledger.alerts.domain.webhook_secrets import SecretFormat
from lotledger.alerts.domain.webhooks import STOCK_WILDCARD, Delivery, DeliveryStatus, delivery_id
from lotledger.shared.contracts.alerts import AlertType
from lotledger.shared.db import Driver
from lotledger.shared.envelope import CloudEvent
from lotledger.shared.traced_messages import consumed_traceparent


@dataclass(frozen=True)
class DueDelivery:
    delivery: Delivery
    event_type: str
    url: str
    secret_sealed: bytes
    body: bytes
    secret_format: SecretFormat = SecretFormat.STANDARD
    traceparent: str | None = None
    """The trace of what caused the delivery (an alert's change), for the POST to continue."""


@dataclass(frozen=True)
class AttemptRecord:
    at: datetime
    status_code: int | None
    error: str | None
    duration_ms: float


@dataclass(frozen=True)
class _Subscriber:
    id: str
    types: frozenset[str]
    stock_types: frozenset[str]

    def wants_alert(self, alert_type: AlertType) -> bool:
        return alert_type.value in self.types or not (self.types or self.stock_types)

    def wants_stock(self, event_type: str) -> bool:
        return event_type in self.stock_types or STOCK_WILDCARD in self.stock_types


class DeliveryStore:
    """Stores live for one transaction, so the active subscriptions are read once for
    it, oldest first, whatever the event and alert types a projector batch brings."""

    def __init__(self, conn: Driver) -> None:
        self._conn = conn
        self._subscribers: list[_Subscriber] | None = None

    async def prefetch(self) -> None:
        """Read the active subscriptions now, before the writes a batch holds back
        (`adapters.write_behind`): a read in their midst sends them early."""
        await self._active()

    async def _active(self) -> list[_Subscriber]:
        if self._subscribers is None:
            rows = await self._conn.fetch(
                "SELECT subscription_id::text AS id, types, stock_types FROM subscriptions "
                "WHERE deleted_at IS NULL ORDER BY created_at"
            )
            self._subscribers = [
                _Subscriber(r["id"], frozenset(r["types"]), frozenset(r["stock_types"]))
                for r in rows
            ]
        return self._subscribers

    async def enqueue(
        self,
        event: CloudEvent,
        alert_type: AlertType,
        alert_id: str,
        exclude: str | None,
        traceparent: str | None = None,
    ) -> int:
        """One pending delivery of `event` per active subscription wanting `alert_type`,
        except `exclude`; returns how many."""
        subscribers = [
            s.id for s in await self._active() if s.id != exclude and s.wants_alert(alert_type)
        ]
        return await self._insert(event, subscribers, alert_id, traceparent)

    async def enqueue_stock(self, event: CloudEvent) -> int:
        """One pending delivery of a stock event (the CloudEvent as on Kafka) per active
        subscription naming its type or `lotledger.stock.*`; ordered per batch."""
        subscribers = [s.id for s in await self._active() if s.wants_stock(event.type)]
        return await self._insert(
            event, subscribers, event.subject or "", consumed_traceparent(str(event.id))
        )

    async def _insert(
        self,
        event: CloudEvent,
        subscribers: list[str],
        order_key: str,
        traceparent: str | None = None,
    ) -> int:
        if not subscribers:
            return 0
        await self._conn.execute(
            "INSERT INTO deliveries (delivery_id, subscription_id, event_id, event_type, "
            "order_key, body, status, created_at, traceparent) "
            "SELECT d, s, $3, $4, $5, $6, 'pending', $7, $8 "
            "FROM unnest($1::uuid[], $2::uuid[]) AS u(d, s)",
            [delivery_id(s, str(event.id)) for s in subscribers],
            subscribers,
            event.id,
            event.type,
            order_key,
            event.to_json(),
            event.time,
            traceparent,
        )
        return len(subscribers)

    async def due(self, now: datetime, limit: int) -> list[DueDelivery]:
        rows = await self._conn.fetch(
            "SELECT d.delivery_id::text AS delivery_id, d.subscription_id::text AS sub, "
            "d.event_type, d.body, d.attempts, d.next_attempt_at, s.url, s.secret_sealed, "
            "s.secret_format, d.traceparent "
            "FROM deliveries d JOIN subscriptions s ON s.subscription_id = d.subscription_id "
            "WHERE d.status = 'pending' AND s.deleted_at IS NULL "
            "AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= $1) "
            "AND NOT EXISTS (SELECT 1 FROM deliveries e WHERE e.status = 'pending' "
            "AND e.subscription_id = d.subscription_id AND e.order_key = d.order_key "
            "AND e.seq < d.seq) ORDER BY d.next_attempt_at NULLS FIRST, d.seq LIMIT $2",
            now,
            limit,
        )
        return [
            DueDelivery(
                Delivery(r["delivery_id"], r["sub"], r["next_attempt_at"], r["attempts"]),
                r["event_type"],
                r["url"],
                bytes(r["secret_sealed"]),
                bytes(r["body"]),
                SecretFormat(r["secret_format"]),
                r["traceparent"],
            )
            for r in rows
        ]

    async def next_due_at(self) -> datetime | None:
        """The earliest retry time among pending deliveries that have been tried."""
        value: datetime | None = await self._conn.fetchval(
            "SELECT min(next_attempt_at) FROM deliveries WHERE status = 'pending'"
        )
        return value

    async def finish_attempt(self, after: Delivery, attempt: AttemptRecord) -> None:
        """Record an attempt and the delivery's state after it. A delivery cancelled
        meanwhile keeps its status; the attempt is recorded all the same."""
        await self._conn.execute(
            "UPDATE deliveries SET status = $2, attempts = $3, next_attempt_at = $4, "
            "finished_at = CASE WHEN $2 = 'pending' THEN NULL ELSE $5::timestamptz END "
            "WHERE delivery_id = $1::uuid AND status = 'pending'",
            after.delivery_id,
            after.status.value,
            after.attempts,
            after.next_attempt_at,
            attempt.at,
        )
        await self._conn.execute(
            "INSERT INTO delivery_attempts (delivery_id, attempt, at, status_code, error, "
            "duration_ms) VALUES ($1::uuid, $2, $3, $4, $5, $6) "
            "ON CONFLICT (delivery_id, attempt) DO NOTHING",
            after.delivery_id,
            after.attempts,
            attempt.at,
            attempt.status_code,
            attempt.error,
            attempt.duration_ms,
        )

    async def cancel_pending(self, subscription_id: str, at: datetime) -> int:
        status = await self._conn.execute(
            "UPDATE deliveries SET status = $2, finished_at = $3 "
            "WHERE subscription_id = $1::uuid AND status = 'pending'",
            subscription_id,
            DeliveryStatus.CANCELLED.value,
            at,
        )
        return int(status.rsplit(" ", 1)[1])

    async def log(
        self, subscription_id: str, limit: int, before: int | None
    ) -> Sequence[dict[str, Any]]:
        """Deliveries newest first, each with its attempts (as JSON text) and `seq`."""
        rows = await self._conn.fetch(
            "SELECT d.seq, d.delivery_id::text AS delivery_id, d.event_id::text AS event_id, "
            "d.event_type, d.order_key, d.status, d.attempts, "
            "d.next_attempt_at, d.created_at, d.finished_at, COALESCE((SELECT jsonb_agg("
            "jsonb_build_object('attempt', a.attempt, 'at', a.at, 'status_code', a.status_code, "
            "'error', a.error, 'duration_ms', a.duration_ms) ORDER BY a.attempt) "
            "FROM delivery_attempts a WHERE a.delivery_id = d.delivery_id), '[]')::text AS log "
            "FROM deliveries d WHERE d.subscription_id = $1::uuid "
            "AND ($2::bigint IS NULL OR d.seq < $2) ORDER BY d.seq DESC LIMIT $3",
            subscription_id,
            before,
            limit,
        )
        return [dict(r) for r in rows]
