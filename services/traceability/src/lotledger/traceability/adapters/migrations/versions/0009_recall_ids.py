"""The lots recalled under a recall id, found through their `recalled` events: the
console's recall page listed every recalled lot and read each one's recall report to find
them.

Revision ID: 0009_recall_ids
Revises: 0008_lot_serial_events
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from lotledger.shared.migrations import run_script

revision: str = "0009_recall_ids"
down_revision: str | None = "0008_lot_serial_events"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade(schema: str) -> None:
    run_script(
        "CREATE INDEX history_recall_ids ON history ((data ->> 'recall_id'), gtin, lot) "
        "WHERE type = 'lotledger.stock.recalled.v1';"
    )


def downgrade(schema: str) -> None:
    run_script("DROP INDEX history_recall_ids;")
