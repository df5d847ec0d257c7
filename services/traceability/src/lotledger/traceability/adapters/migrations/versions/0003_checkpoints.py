"""Signed checkpoints of the stock log as traceability received them, and the latest
logged head of each lot, so `/verify` can compare this copy with what was signed.

Revision ID: 0003_checkpoints
Revises: 0002_append_only
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from lotledger.shared.migrations import run_script
from lotledger.shared.privileges import guard

revision: str = "0003_checkpoints"
down_revision: str | None = "0002_append_only"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade(schema: str) -> None:
    run_script(
        """
    CREATE TABLE checkpoints (
        id              bigint PRIMARY KEY,
        tree_size       bigint NOT NULL,
        root            char(64) NOT NULL,
        key_id          text NOT NULL,
        created_at      text NOT NULL,
        trusted         boolean NOT NULL,
        problem         text
    );
    CREATE TABLE checkpoint_heads (
        stream_id  text PRIMARY KEY,
        version    integer NOT NULL,
        hash       char(64) NOT NULL,
        checkpoint bigint NOT NULL
    );
    """
        + guard("checkpoints")
    )


def downgrade(schema: str) -> None:
    run_script("DROP TABLE checkpoint_heads, checkpoints;")
