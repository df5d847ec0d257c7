"""`lotledger-alerts deliver` (with the publisher): posts pending webhook deliveries.

- Single active instance (advisory lock), so no delivery is ever in flight twice; a
  standby takes over when the active session ends. (Claiming rows `FOR UPDATE SKIP
  LOCKED` would allow several, but would hold a transaction open across the HTTP call.)
- Each attempt is signed afresh at its own instant (Standard Webhooks headers, see
  `adapters.webhook_signing`), with the delivery id as `webhook-id` on every attempt.
- Each round reads the due deliveries, posts them concurrently (bounded), and records
  each attempt in its own transaction after the response: a delivery is done only after
  a 2xx. A crash between the receiver's answer and that record means the same delivery
  id is posted again: at-least-once, with the id for the receiver to de-duplicate.
- Between rounds it sleeps until the earliest retry is due, a new delivery is notified,
  or a second passes.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from datetime import timedelta

import structlog
from prometheus_client import Counter
from sqlalchemy.ext.asyncio import AsyncEngine

from lotledger.alerts.adapters.deliveries import AttemptRecord, DueDelivery
from lotledger.alerts.adapters.locks import Purpose
from lotledger.alerts.adapters.secret_box import SecretBox, SecretUnreadable
from lotledger.alerts.adapters.unit_of_work import UnitOfWork
from lotledger.alerts.adapters.webhook_client import WebhookClient, request_headers
from lotledger.alerts.adapters.webhook_tracing import traced_post
from lotledger.alerts.domain.webhook_secrets import (
    InvalidWebhookSecret,
    SecretFormat,
    signing_key,
)
from lotledger.alerts.domain.webhooks import Outcome, RetryPolicy
from lotledger.alerts.entrypoints.workers import hold_lock
from lotledger.alerts.service.webhooks import record_outcome
from lotledger.alerts.settings import AlertsSettings
from lotledger.shared.clock import Clock
from lotledger.shared.runner import wait_any

log = structlog.get_logger("lotledger.alerts.deliverer")
ATTEMPTS = Counter("lotledger_alerts_webhook_attempts_total", "Webhook attempts", ["outcome"])


def retry_policy(settings: AlertsSettings) -> RetryPolicy:
    return RetryPolicy(
        base_seconds=settings.alerts_webhook_retry_base_s,
        max_delay_seconds=max(
            settings.alerts_webhook_retry_max_delay_s, settings.alerts_webhook_retry_base_s
        ),
        max_attempts=settings.alerts_webhook_max_attempts,
        failing_after=settings.alerts_webhook_failing_after,
    )


class Deliverer:
    def __init__(
        self,
        settings: AlertsSettings,
        engine: AsyncEngine,
        clock: Clock,
        box: SecretBox,
        client: WebhookClient,
        rand: Callable[[], float] = random.random,
        idle_wait_s: float = 1.0,
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.clock = clock
        self.box = box
        self.client = client
        self.rand = rand
        self.policy = retry_policy(settings)
        self.idle_wait_s = idle_wait_s
        self._wake = asyncio.Event()
        self._slots = asyncio.Semaphore(settings.alerts_webhook_concurrency)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            conn = await hold_lock(self.settings, Purpose.DELIVER, stop)
            if conn is None:
                return
            try:
                await conn.add_listener(
                    f"{self.settings.alerts_db_schema}_deliveries", lambda *_: self._wake.set()
                )
                while not stop.is_set() and not conn.is_closed():
                    self._wake.clear()
                    try:
                        sent = await self.deliver_due()
                    except Exception as exc:
                        log.warning("delivery_round_failed", error=str(exc))
                        sent = 0
                    if not sent:
                        await wait_any(self._wake, stop, await self._idle())
            finally:
                await conn.close()

    async def deliver_due(self) -> int:
        """One round: every delivery due now, attempted once. Returns the attempts made.
        The round ends only when every attempt has ended: an attempt still in flight
        when the next round reads what is due would be posted twice, and a later
        delivery of its alert could overtake it."""
        async with UnitOfWork(self.engine) as uow:
            due = await uow.stores.deliveries.due(
                self.clock.now(), self.settings.alerts_webhook_batch
            )
        outcomes = await asyncio.gather(*(self._attempt(d) for d in due), return_exceptions=True)
        for d, outcome in zip(due, outcomes, strict=True):
            if isinstance(outcome, Exception):
                log.warning(
                    "attempt_not_recorded",
                    delivery_id=d.delivery.delivery_id,
                    error=str(outcome),
                )
        return len(due)

    async def _idle(self) -> float:
        async with UnitOfWork(self.engine) as uow:
            earliest = await uow.stores.deliveries.next_due_at()
        if earliest is None:
            return self.idle_wait_s
        return min(self.idle_wait_s, (earliest - self.clock.now()).total_seconds())

    async def _attempt(self, due: DueDelivery) -> None:
        async with self._slots:
            at = self.clock.now()
            try:
                key = signing_key(self.box.open(due.secret_sealed), due.secret_format)
            except (SecretUnreadable, InvalidWebhookSecret) as exc:
                outcome, ms = Outcome(None, str(exc)), 0.0
            else:
                headers = request_headers(
                    key,
                    due.body,
                    due.delivery.delivery_id,
                    due.event_type,
                    at,
                    legacy=due.secret_format is SecretFormat.LEGACY,
                )
                with traced_post(due.traceparent, due.url, due.delivery.delivery_id) as trace:
                    outcome, ms = await self.client.post(
                        due.url, due.body, headers | trace.headers, at
                    )
                    trace.finish(outcome.status_code, outcome.error)
        ATTEMPTS.labels("success" if outcome.succeeded else "failure").inc()
        attempt = AttemptRecord(at, outcome.status_code, outcome.error, ms)
        async with UnitOfWork(self.engine) as uow:
            after = await record_outcome(uow.stores, due, outcome, attempt, self.policy, self.rand)
            await uow.commit()
        log.info(
            "webhook_attempt",
            delivery_id=due.delivery.delivery_id,
            status_code=outcome.status_code,
            attempts=after.attempts,
            state=after.status.value,
            retry_in_s=(after.next_attempt_at - at) / timedelta(seconds=1)
            if after.next_attempt_at
            else None,
        )
