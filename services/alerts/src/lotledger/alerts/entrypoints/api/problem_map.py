"""The one mapping from the alerts service's named refusals to RFC 9457 problems.

| status | meaning |
|---|---|
| 400 | malformed JSON |
| 401 | no valid bearer token |
| 403 | token lacks the role or the warehouse |
| 404 | unknown alert or webhook |
| 409 | the alert's status refuses the change; an idempotency key reused with another body |
| 413 | body too large |
| 422 | invalid input: a field and the rule it broke (rules settings, webhook URL, …) |
"""

from __future__ import annotations

from lotledger.alerts.domain import errors as e
from lotledger.alerts.domain import rules_config as rc
from lotledger.alerts.domain.webhook_secrets import InvalidWebhookSecret
from lotledger.alerts.domain.webhook_urls import InvalidWebhookUrl
from lotledger.shared.errors import DomainError
from lotledger.shared.web.problems import ProblemSpec

PROBLEMS: dict[type[DomainError], ProblemSpec] = {
    e.UnknownAlert: ProblemSpec(404, "unknown-alert", "Unknown alert"),
    e.UnknownSubscription: ProblemSpec(404, "unknown-webhook", "Unknown webhook"),
    e.AlertAlreadyAcknowledged: ProblemSpec(
        409, "alert-already-acknowledged", "Alert already acknowledged"
    ),
    e.AlertAlreadyResolved: ProblemSpec(409, "alert-already-resolved", "Alert already resolved"),
    e.InvalidTransition: ProblemSpec(409, "invalid-transition", "Lifecycle change not allowed"),
    e.ActorRequired: ProblemSpec(422, "actor-required", "The acting person must be named"),
    rc.InvalidNearExpiryTiers: ProblemSpec(422, "invalid-near-expiry-tiers", "Invalid tiers"),
    rc.InvalidSensorSilence: ProblemSpec(422, "invalid-sensor-silence", "Invalid sensor silence"),
    rc.InvalidExcursionGrace: ProblemSpec(
        422, "invalid-excursion-grace", "Invalid excursion grace"
    ),
    rc.InvalidSweepInterval: ProblemSpec(422, "invalid-sweep-interval", "Invalid sweep interval"),
    rc.InvalidOutOfRangeSilence: ProblemSpec(
        422, "invalid-out-of-range-silence", "Invalid silence while out of range"
    ),
    rc.InvalidRulesConfig: ProblemSpec(422, "invalid-rules", "Invalid rule settings"),
    InvalidWebhookUrl: ProblemSpec(422, "invalid-webhook-url", "Invalid webhook URL"),
    InvalidWebhookSecret: ProblemSpec(422, "invalid-webhook-secret", "Invalid webhook secret"),
}
