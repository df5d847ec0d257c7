"""A function that aborts the append statement with a serialization failure, so a
single-statement (autocommit) append is all-or-nothing when a version or idempotency key
turns out to be taken.

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
    CREATE FUNCTION append_conflict(what text) RETURNS integer LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'append conflict: %', what USING ERRCODE = 'serialization_failure';
    END $$;
    """)


def downgrade(schema: str) -> None:
    run_script("DROP FUNCTION append_conflict(text);")
