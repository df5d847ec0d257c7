"""A lot's events that carry serials, by lot: the trace counts a lot's packs from them,
and without this index it read every event of the lot (each `data` detoasted) to find
the few that do: a 10,000-event lot's trace went from p99 46 ms to 146 ms.

Revision ID: 0008_lot_serial_events
Revises: 0007_relay_slots
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from lotledger.shared.migrations import run_script

revision: str = "0008_lot_serial_events"
down_revision: str | None = "0007_relay_slots"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade(schema: str) -> None:
    run_script(
        "CREATE INDEX history_lot_serial_events ON history (gtin, lot, version) "
        "WHERE data ? 'serials';"
    )


def downgrade(schema: str) -> None:
    run_script("DROP INDEX history_lot_serial_events;")
