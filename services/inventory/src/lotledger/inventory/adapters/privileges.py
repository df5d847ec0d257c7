"""What the inventory runtime role may do in its schema: one line per table, view and
function the migrations create (`lotledger.shared.privileges`; applied by `migrate`)."""

from lotledger.shared.privileges import (
    APPEND_ONLY,
    DELETE,
    EXECUTE,
    INSERT,
    NO_ACCESS,
    SELECT,
    TRIGGER,
    UPDATE,
    Privileges,
    table,
)

APPEND_REQUEST = (
    "append_request(uuid[], text[], text[], integer[], text[], jsonb[], "
    "timestamp with time zone[], text[], text[], text[], text[], "
    "timestamp with time zone[], text[], text[], bytea[], text[], "
    "timestamp with time zone, integer, text[], text[], text[], date[], text[], "
    "integer[], text[], jsonb[], jsonb[], jsonb[], timestamp with time zone[], integer, "
    "text[], text[], text[], date[], text[], integer[], text[], jsonb[], jsonb[], "
    "jsonb[], timestamp with time zone[], integer[], text[], text[], text[], text[], "
    "text[], text[], text[], text[], text[], integer[], date[], text[], boolean[], text, "
    "text, uuid[], text[], text[], jsonb[], jsonb[], jsonb[], text[], text[], text[], "
    "timestamp with time zone[], bytea[], text[], text[], text[], integer[], bytea[], "
    "text[], text[], integer[])"
)
"""Migration `0018_catalog_versions`'s function, by its argument types."""

RUNTIME = Privileges(
    tables={
        "events": APPEND_ONLY,
        "checkpoints": APPEND_ONLY,
        "checkpoint_keys": APPEND_ONLY,
        "log_leaves": APPEND_ONLY,
        "log_nodes": APPEND_ONLY,
        "log_divergences": APPEND_ONLY,
        "catalog_audit": APPEND_ONLY,
        "sync_conflicts": APPEND_ONLY,
        "sync_resolutions": APPEND_ONLY,
        "epcis_captures": APPEND_ONLY,
        "serial_history": APPEND_ONLY,
        "suspect_packs": APPEND_ONLY,
        "serial_containers": table(SELECT, INSERT, UPDATE),
        "serials": table(SELECT, INSERT, UPDATE),
        "batches": table(SELECT, INSERT, UPDATE),
        "stock_levels": table(SELECT, INSERT, UPDATE, DELETE),
        "products": table(SELECT, INSERT, UPDATE),
        "locations": table(SELECT, INSERT, UPDATE),
        "sensors": table(SELECT, INSERT, UPDATE),
        "warehouses": table(SELECT, INSERT, UPDATE),
        "idempotency": table(SELECT, INSERT),
        "outbox": table(SELECT, INSERT, DELETE),
        "relay_offsets": table(SELECT, INSERT, UPDATE),
        "relay_cursors": table(SELECT, INSERT, UPDATE),
        "event_relay_offsets": table(SELECT, INSERT, UPDATE),
        "alembic_version": NO_ACCESS,
    },
    functions={
        "append_conflict(text)": EXECUTE,
        "read_batches(text[], text[], text[], date[], text[], integer[], date[], text[])": EXECUTE,
        APPEND_REQUEST: EXECUTE,
        "events_are_immutable()": TRIGGER,
        "append_only_guard()": TRIGGER,
        "outbox_notify()": TRIGGER,
        "events_notify()": TRIGGER,
    },
)
