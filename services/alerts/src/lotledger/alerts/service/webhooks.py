"""Webhook subscriptions and the bookkeeping of delivery attempts.

Lock order, everywhere: the subscription's row first, then the subscription's subject lock
(only when a webhook_failing alert may change). No evaluation locks subscription rows, so
no cycle exists.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from lotledger.alerts.adapters.deliveries import AttemptRecord, DueDelivery
from lotledger.alerts.adapters.secret_box import SecretBox
from lotledger.alerts.adapters.subscriptions import Subscription, health_of
from lotledger.alerts.adapters.unit_of_work import Stores
from lotledger.alerts.domain import lock_keys
from lotledger.alerts.domain.conditions import Evaluation
from lotledger.alerts.domain.errors import UnknownSubscription
from lotledger.alerts.domain.webhook_secrets import standard_key
from lotledger.alerts.domain.webhooks import (
    Delivery,
    Outcome,
    RetryPolicy,
    after_attempt,
    record_attempt,
    webhook_failing,
)
from lotledger.alerts.service import evaluation as ev
from lotledger.alerts.service.recording import Cause
from lotledger.shared.contracts.alerts import AlertType


@dataclass(frozen=True)
class NewSubscription:
    """`secret` must be a Standard Webhooks `whsec_` secret (refused by name otherwise)."""

    url: str
    types: frozenset[AlertType]
    secret: str
    stock_types: frozenset[str] = frozenset()


async def subscribe(
    stores: Stores, box: SecretBox, new: NewSubscription, actor: str, now: datetime
) -> Subscription:
    standard_key(new.secret)
    subscription = Subscription(
        str(uuid.uuid4()), new.url, new.types, actor, now, stock_types=new.stock_types
    )
    await stores.subscriptions.create(subscription, box.seal(new.secret))
    return subscription


async def unsubscribe(stores: Stores, subscription_id: str, actor: str, now: datetime) -> None:
    """Delete: nothing more is delivered, pending deliveries are cancelled, and its
    webhook_failing alert (if any) resolves."""
    current = await stores.subscriptions.get(subscription_id, for_update=True)
    if current is None or current.deleted_at is not None:
        raise UnknownSubscription(f"no webhook {subscription_id}", subscription_id=subscription_id)
    await stores.subscriptions.delete(subscription_id, actor, now)
    await stores.deliveries.cancel_pending(subscription_id, now)
    scope = webhook_failing(health_of(current)).scope
    await stores.lock_subjects(lock_keys.of_scope(scope))
    await ev.settle(ev.Context(stores, now), Evaluation(scope), Cause())


async def reseal_all(stores: Stores, box: SecretBox) -> int:
    """Re-seal every subscription's secret with the first configured key; returns how many."""
    sealed = await stores.subscriptions.sealed_secrets()
    for subscription_id, secret in sealed.items():
        await stores.subscriptions.replace_secret(subscription_id, box.reseal(secret))
    return len(sealed)


async def record_outcome(
    stores: Stores,
    due: DueDelivery,
    outcome: Outcome,
    attempt: AttemptRecord,
    policy: RetryPolicy,
    random: Callable[[], float],
) -> Delivery:
    """The delivery after the attempt, its log row, and the subscription's health; a
    subscription that starts or stops failing raises or resolves webhook_failing.

    The subscription row is locked before the delivery row, in the order deleting a
    subscription takes them (it cancels the pending deliveries after marking the
    subscription): the other order deadlocked with a deletion, rolling back the record
    of an attempt the receiver had already accepted."""
    subscription = await stores.subscriptions.get(due.delivery.subscription_id, for_update=True)
    after = after_attempt(due.delivery, outcome, attempt.at, policy, random)
    await stores.deliveries.finish_attempt(after, attempt)
    if subscription is None or subscription.deleted_at is not None:
        return after
    before = health_of(subscription)
    health = record_attempt(before, outcome, attempt.at, policy)
    if health != before:
        await stores.subscriptions.save_health(health)
    if (before.failing_since is None) != (health.failing_since is None):
        evaluation = webhook_failing(health)
        await stores.lock_subjects(lock_keys.of_scope(evaluation.scope))
        cause = Cause(causation_id=due.delivery.delivery_id)
        await ev.settle(ev.Context(stores, attempt.at), evaluation, cause)
    return after
