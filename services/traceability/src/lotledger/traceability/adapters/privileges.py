"""What the traceability runtime role may do in its schema (the live one and the rebuild
one alike): one line per table, view and function the migrations create
(`lotledger.shared.privileges`; applied by `migrate` and by `rebuild`)."""

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
        "history": APPEND_ONLY,
        "receipts": APPEND_ONLY,
        "shipments": APPEND_ONLY,
        "readings": APPEND_ONLY,
        "products": table(SELECT, INSERT, UPDATE),
        "locations": table(SELECT, INSERT, UPDATE),
        "lots": table(SELECT, INSERT, UPDATE),
        "residence": table(SELECT, INSERT, UPDATE, DELETE),
        "stays": table(SELECT, INSERT, UPDATE, DELETE),
        "balances": table(SELECT),
        "detector_states": table(SELECT, INSERT, UPDATE),
        "excursions": table(SELECT, INSERT, UPDATE, DELETE),
        "location_sensors": table(SELECT, INSERT),
        "sensors": table(SELECT, INSERT, UPDATE),
        "checkpoints": APPEND_ONLY,
        "checkpoint_heads": table(SELECT, INSERT, UPDATE),
        "consumer_positions": table(SELECT, INSERT, UPDATE),
        "outbox": table(SELECT, INSERT, DELETE),
        "relay_offsets": table(SELECT, INSERT, UPDATE),
        "alembic_version": NO_ACCESS,
    },
    functions={
        "history_is_immutable()": TRIGGER,
        "append_only_guard()": TRIGGER,
        "outbox_notify()": TRIGGER,
    },
)
