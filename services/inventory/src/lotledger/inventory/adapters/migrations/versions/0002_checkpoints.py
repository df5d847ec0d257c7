"""Signed checkpoints over the stream heads.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

from lotledger.shared.migrations import run_script

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade(schema: str) -> None:
    run_script("""
    CREATE TABLE checkpoints (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        position    bigint NOT NULL,
        streams     integer NOT NULL,
        root        char(64) NOT NULL,
        created_at  timestamptz NOT NULL,
        key_id      text NOT NULL,
        payload     text NOT NULL,
        signature   text NOT NULL
    );
    CREATE TRIGGER checkpoints_no_update_delete BEFORE UPDATE OR DELETE ON checkpoints
        FOR EACH ROW EXECUTE FUNCTION events_are_immutable();
    """)


def downgrade(schema: str) -> None:
    run_script("DROP TABLE checkpoints;")
