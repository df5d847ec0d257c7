"""Each suspect pack names the suspect-return record that published it (the subject of its
`suspect_product` alert), so QA settling an alert finds exactly its packs. Rows held
before this revision have none.

Revision ID: 0012_suspect_record
Revises: 0011_relay_slots
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from lotledger.shared.migrations import run_script

revision: str = "0012_suspect_record"
down_revision: str | None = "0011_relay_slots"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade(schema: str) -> None:
    run_script(
        "ALTER TABLE suspect_packs ADD COLUMN record_id uuid;"
        "CREATE INDEX suspect_packs_record ON suspect_packs (record_id);"
    )


def downgrade(schema: str) -> None:
    run_script("ALTER TABLE suspect_packs DROP COLUMN record_id;")
