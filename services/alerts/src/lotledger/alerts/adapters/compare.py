"""What `rebuild --compare` compares: the facts every rule reads and the alerts. Positions,
the outbox, relay offsets, rules, webhooks, deliveries and idempotency keys are not
derived from Kafka and are left out."""

from __future__ import annotations

from lotledger.shared.compare import Compared

COMPARED: Compared = {
    table: frozenset()
    for table in (
        "products",
        "locations",
        "lots",
        "lot_stock",
        "lot_warehouses",
        "stocked_in",
        "shipments",
        "recalls",
        "lot_costs",
        "shipped_daily",
        "receipts_seen",
        "disposed_daily",
        "sensors",
        "excursions",
        "alerts",
    )
}
