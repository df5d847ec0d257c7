"""Serialised packs (docs/adr/0016-serials.md): the lot streams' `serials` members are
already in `history.data`; a GIN index over them finds a pack's events by serial.

Revision ID: 0005_serials
Revises: 0004_climate
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from lotledger.shared.migrations import run_script

revision: str = "0005_serials"
down_revision: str | None = "0004_climate"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade(schema: str) -> None:
    run_script("""
    CREATE INDEX history_serials ON history USING gin ((data -> 'serials'))
        WHERE data ? 'serials';
    """)


def downgrade(schema: str) -> None:
    run_script("DROP INDEX history_serials;")
