"""Append-only tables under least privilege: the rule history and the webhook attempt log.

Both refuse UPDATE, DELETE and TRUNCATE to everyone, the owner included; the runtime role
holds only SELECT and INSERT on them (docs/adr/0007-least-privilege-roles.md).

Revision ID: 0005_append_only
Revises: 0004
Create Date: 2026-11-25
"""

from collections.abc import Sequence

from lotledger.shared.migrations import run_script
from lotledger.shared.privileges import APPEND_ONLY_GUARD_DDL, guard

revision: str = "0005_append_only"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("rules_audit", "delivery_attempts")


def upgrade(schema: str) -> None:
    run_script(APPEND_ONLY_GUARD_DDL + "".join(guard(t) for t in TABLES))


def downgrade(schema: str) -> None:
    run_script("DROP FUNCTION append_only_guard() CASCADE;")
