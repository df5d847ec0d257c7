"""What the alerts runtime role may do in its schema: one line per table, view and
function the migrations create (`lotledger.shared.privileges`; applied by `migrate`)."""

from lotledger.shared.privileges import (
    APPEND_ONLY,
    DELETE,
    INSERT,
    NO_ACCESS,
    SELECT,
    TRIGGER,
    UPDATE,
    Privileges,
    table,
)

RUNTIME = Privileges(
    tables={
        "rules_audit": APPEND_ONLY,
        "delivery_attempts": APPEND_ONLY,
        "rules_config": table(SELECT, UPDATE),
        "alerts": table(SELECT, INSERT, UPDATE),
        "subscriptions": table(SELECT, INSERT, UPDATE),
        "deliveries": table(SELECT, INSERT, UPDATE),
        "idempotency": table(SELECT, INSERT),
        "products": table(SELECT, INSERT, UPDATE),
        "locations": table(SELECT, INSERT, UPDATE),
        "lots": table(SELECT, INSERT, UPDATE),
        "lot_stock": table(SELECT, INSERT, UPDATE, DELETE),
        "lot_warehouses": table(SELECT, INSERT),
        "stocked_in": table(SELECT, INSERT),
        "shipments": table(SELECT, INSERT, UPDATE),
        "recalls": table(SELECT, INSERT, UPDATE),
        "lot_costs": table(SELECT, INSERT, UPDATE),
        "shipped_daily": table(SELECT, INSERT, UPDATE),
        "receipts_seen": table(SELECT, INSERT, UPDATE),
        "disposed_daily": table(SELECT, INSERT, UPDATE),
        "forecast_latest": table(SELECT, INSERT, UPDATE, DELETE),
        "sensors": table(SELECT, INSERT, UPDATE),
        "excursions": table(SELECT, INSERT, UPDATE),
        "consumer_positions": table(SELECT, INSERT, UPDATE),
        "outbox": table(SELECT, INSERT, DELETE),
        "relay_offsets": table(SELECT, INSERT, UPDATE),
        "alembic_version": NO_ACCESS,
    },
    functions={
        "notify_table()": TRIGGER,
        "append_only_guard()": TRIGGER,
    },
)
