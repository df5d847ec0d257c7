"""lotledger inventory service."""

SERVICE = "inventory"
VERSION = "0.1.0"
DESCRIPTION = (
    "Write side: master data, stock commands, the per-batch event store and its "
    "outbox relay to Kafka, telemetry ingest."
)
