"""lotledger alerts service."""

SERVICE = "alerts"
VERSION = "0.1.0"
DESCRIPTION = (
    "Near-expiry, stock-level, climate, sensor and recall alerts with a lifecycle, "
    "published to Kafka and signed webhooks."
)
