"""A product's stock by warehouse: a FEFO deviation's earlier lots are looked for among
the lots with stock in the pick's warehouse, not along every available lot the product
ever had (emptied lots keep their status, and a busy product empties lots all day); the
index by expiry that walk used goes.

Revision ID: 0014_stock_by_warehouse
Revises: 0013_relay_slots
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from lotledger.shared.migrations import run_script

revision: str = "0014_stock_by_warehouse"
down_revision: str | None = "0013_relay_slots"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade(schema: str) -> None:
    run_script("""
    CREATE INDEX lot_stock_by_warehouse ON lot_stock (gtin, warehouse, lot);
    DROP INDEX lots_available_by_expiry;
    """)


def downgrade(schema: str) -> None:
    run_script("""
    CREATE INDEX lots_available_by_expiry ON lots (gtin, expiry, lot) WHERE status = 'available';
    DROP INDEX lot_stock_by_warehouse;
    """)
