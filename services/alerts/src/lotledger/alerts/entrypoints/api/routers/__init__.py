"""One router per resource: alerts, rules, webhooks."""
