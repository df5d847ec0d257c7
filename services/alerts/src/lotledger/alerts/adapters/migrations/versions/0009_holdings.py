"""Holdings and per-warehouse thresholds (docs/adr/0011-holdings.md).

- `lot_stock.held`: the part of a location's stock in a holding other than available (a
  return, an incoming inspection, a hold, rejected stock), which is not saleable.
- `products.min_remaining_days` and `products.warehouses` (per-warehouse overrides of the
  reorder point, the max stock and the minimum shelf life for shipping).

Revision ID: 0009_holdings
Revises: 0008_sensors
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from lotledger.shared.migrations import run_script

revision: str = "0009_holdings"
down_revision: str | None = "0008_sensors"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade(schema: str) -> None:
    run_script("""
    ALTER TABLE lot_stock ADD COLUMN held bigint NOT NULL DEFAULT 0
        CHECK (held >= 0 AND held <= qty);
    ALTER TABLE products ADD COLUMN min_remaining_days integer, ADD COLUMN warehouses jsonb;
    """)


def downgrade(schema: str) -> None:
    run_script("""
    ALTER TABLE products DROP COLUMN warehouses, DROP COLUMN min_remaining_days;
    ALTER TABLE lot_stock DROP COLUMN held;
    """)
