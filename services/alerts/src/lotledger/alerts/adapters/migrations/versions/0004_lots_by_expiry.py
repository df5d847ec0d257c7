"""Available lots of a product by expiry: a FEFO deviation names the earliest lots it
skipped without reading every lot of the product.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from collections.abc import Sequence

from lotledger.shared.migrations import run_script

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade(schema: str) -> None:
    run_script("""
    CREATE INDEX lots_available_by_expiry ON lots (gtin, expiry, lot) WHERE status = 'available';
    """)


def downgrade(schema: str) -> None:
    run_script("DROP INDEX lots_available_by_expiry;")
