"""Stock levels carry what FEFO selects on (expiry, status, pickable), so the earliest
eligible holdings of a product are an ordered index scan, not a scan of all its lots.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from collections.abc import Sequence

from lotledger.shared.migrations import run_script

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade(schema: str) -> None:
    run_script("""
    ALTER TABLE stock_levels ADD COLUMN expiry date, ADD COLUMN status text,
        ADD COLUMN pickable boolean;
    UPDATE stock_levels s SET expiry = b.expiry, status = b.status,
        pickable = coalesce((SELECT l.record->>'kind' <> 'quarantine' FROM locations l
                             WHERE l.location_id = s.location), true)
        FROM batches b WHERE b.batch_id = s.batch_id;
    ALTER TABLE stock_levels ALTER COLUMN expiry SET NOT NULL,
        ALTER COLUMN status SET NOT NULL, ALTER COLUMN pickable SET NOT NULL;
    CREATE INDEX stock_levels_fefo ON stock_levels (gtin, warehouse, expiry, lot)
        WHERE status = 'available' AND pickable;
    """)


def downgrade(schema: str) -> None:
    run_script("""
    DROP INDEX stock_levels_fefo;
    ALTER TABLE stock_levels DROP COLUMN expiry, DROP COLUMN status, DROP COLUMN pickable;
    """)
