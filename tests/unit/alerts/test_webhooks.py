"""Webhook delivery ids, retry schedule, delivery and subscription-health decisions."""

from datetime import timedelta

import pytest

from lotledger.alerts.domain import webhooks as w
from lotledger.alerts.domain.conditions import AlertKey
from lotledger.shared.contracts.alerts import AlertType, Severity
from tests.unit.alerts.fixtures import NOW, Desk


def no_jitter() -> float:
    """The middle of [0, 1): the jitter factor is exactly 1."""
    return 0.5


def test_a_delivery_id_is_stable_per_subscription_and_event() -> None:
    one = w.delivery_id("sub-1", "evt-1")
    assert one == w.delivery_id("sub-1", "evt-1")
    assert len({one, w.delivery_id("sub-2", "evt-1"), w.delivery_id("sub-1", "evt-2")}) == 3


def test_subscriptions_receive_their_types_or_every_type() -> None:
    assert w.wants(frozenset(), AlertType.RECALL)
    assert w.wants(frozenset({AlertType.RECALL}), AlertType.RECALL)
    assert not w.wants(frozenset({AlertType.RECALL}), AlertType.LOW_STOCK)


def test_the_default_schedule_doubles_from_30_seconds_up_to_6_hours() -> None:
    waits = [d.total_seconds() for d in w.RetryPolicy().schedule(no_jitter)]
    assert waits == [30, 60, 120, 240, 480, 960, 1920, 3840, 7680, 15360, 21600]
    assert 14 * 3600 < sum(waits) < 15 * 3600


def test_jitter_spreads_each_wait_within_its_bounds() -> None:
    policy = w.RetryPolicy(jitter=0.2)
    assert policy.delay(3, lambda: 0.0) == timedelta(seconds=96)
    assert policy.delay(3, lambda: 0.999999) < timedelta(seconds=144)
    assert policy.delay(3, lambda: 0.999999) > timedelta(seconds=143)
    assert policy.delay(30, lambda: 0.999999) == timedelta(hours=6)


def test_a_retry_after_is_honoured_up_to_the_cap() -> None:
    policy = w.RetryPolicy()
    assert policy.delay(1, no_jitter, retry_after=120) == timedelta(seconds=120)
    assert policy.delay(1, no_jitter, retry_after=5) == timedelta(seconds=30)
    assert policy.delay(1, no_jitter, retry_after=10**9) == timedelta(hours=6)


@pytest.mark.parametrize(
    "changes",
    [
        {"base_seconds": 0},
        {"base_seconds": 10, "max_delay_seconds": 5},
        {"factor": 0.5},
        {"jitter": 1.0},
        {"max_attempts": 0},
        {"failing_after": 0},
    ],
)
def test_nonsense_policies_are_refused(changes: dict[str, float]) -> None:
    with pytest.raises(w.InvalidRetryPolicy):
        w.RetryPolicy(**changes)  # type: ignore[arg-type]


def test_two_server_errors_then_success_delivers_on_the_third_attempt() -> None:
    policy = w.RetryPolicy()
    delivery = w.Delivery("d-1", "sub-1", next_attempt_at=NOW)
    now = NOW
    for outcome in (w.Outcome(500), w.Outcome(None, error="connection refused"), w.Outcome(204)):
        delivery = w.after_attempt(delivery, outcome, now, policy, no_jitter)
        if delivery.next_attempt_at is not None:
            now = delivery.next_attempt_at
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (
        w.DeliveryStatus.DELIVERED,
        3,
        None,
    )
    assert now == NOW + timedelta(seconds=30 + 60)
    with pytest.raises(w.DeliveryFinished):
        w.after_attempt(delivery, w.Outcome(200), now, policy, no_jitter)


def test_a_delivery_is_given_up_after_the_last_attempt_and_kept() -> None:
    policy = w.RetryPolicy(max_attempts=3)
    delivery = w.Delivery("d-1", "sub-1", next_attempt_at=NOW)
    for _ in range(3):
        assert delivery.status is w.DeliveryStatus.PENDING
        delivery = w.after_attempt(delivery, w.Outcome(503), NOW, policy, no_jitter)
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (
        w.DeliveryStatus.GAVE_UP,
        3,
        None,
    )


def test_a_subscription_fails_after_consecutive_failures_and_recovers_on_success() -> None:
    policy = w.RetryPolicy(failing_after=3)
    health = w.SubscriptionHealth("sub-1", "https://erp.example/hook")
    desk = Desk()
    for n in range(4):
        health = w.record_attempt(health, w.Outcome(500), NOW + timedelta(minutes=n), policy)
        desk.evaluate(w.webhook_failing(health), NOW + timedelta(minutes=n))
    assert (health.consecutive_failures, health.failing_since) == (4, NOW + timedelta(minutes=2))
    alert = desk.only_open(AlertType.WEBHOOK_FAILING)
    assert (alert.key.subject, alert.severity, alert.raised_at) == (
        "sub-1",
        Severity.WARNING,
        NOW + timedelta(minutes=2),
    )
    health = w.record_attempt(health, w.Outcome(200), NOW + timedelta(minutes=9), policy)
    assert health == w.SubscriptionHealth("sub-1", "https://erp.example/hook")
    desk.evaluate(w.webhook_failing(health), NOW + timedelta(minutes=9))
    assert desk.summary() == [
        ("raised", "webhook_failing", "sub-1", ""),
        ("resolved", "webhook_failing", "sub-1", ""),
    ]


def test_a_healthy_subscription_has_no_condition() -> None:
    healthy = w.SubscriptionHealth("sub-1", "https://erp.example/hook", consecutive_failures=2)
    evaluation = w.webhook_failing(healthy)
    assert evaluation.conditions == ()
    assert evaluation.scope.covers(AlertKey(AlertType.WEBHOOK_FAILING, "sub-1"))
