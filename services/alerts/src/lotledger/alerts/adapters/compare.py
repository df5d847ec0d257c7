"""What `rebuild --compare` compares: the facts every rule reads and the alerts. Positions,
the outbox, relay offsets, rules, webhooks, deliveries and idempotency keys are not
derived from Kafka and are left out; `forecast_latest` is derived from the facts at the
instant of each evaluation (a replay evaluates at other instants) and is left out too."""

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
