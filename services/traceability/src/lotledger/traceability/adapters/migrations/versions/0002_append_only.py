"""Append-only read models under least privilege: receipts, shipments, readings.

Like the history, they refuse UPDATE, DELETE and TRUNCATE to everyone, the owner included;
the runtime role holds only SELECT and INSERT on them (docs/adr/0007-least-privilege-roles.md).
A rebuild replays into fresh tables, so it never needs to change a row of them.

Revision ID: 0002_append_only
Revises: 0001
Create Date: 2026-11-25
"""

from collections.abc import Sequence

from lotledger.shared.migrations import run_script
from lotledger.shared.privileges import APPEND_ONLY_GUARD_DDL, guard

revision: str = "0002_append_only"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("receipts", "shipments", "readings")


def upgrade(schema: str) -> None:
    run_script(APPEND_ONLY_GUARD_DDL + "".join(guard(t) for t in TABLES))


def downgrade(schema: str) -> None:
    run_script("DROP FUNCTION append_only_guard() CASCADE;")
