"""Append-only tables under least privilege (docs/adr/0007-least-privilege-roles.md).

The runtime role no longer owns the tables, so only the triggers stand between the owner
and the history: the master-data audit gets them, checkpoints gain the TRUNCATE guard they
lacked. `events_safe_position()` takes the SHARE lock behind a checkpoint's consistent cut
as the owner (SECURITY DEFINER): LOCK ... IN SHARE MODE needs UPDATE, DELETE or TRUNCATE
on the table, which the runtime role does not hold.

Revision ID: 0005_append_only
Revises: 0004
Create Date: 2026-11-25
"""

from collections.abc import Sequence

from lotledger.shared.migrations import run_script
from lotledger.shared.privileges import APPEND_ONLY_GUARD_DDL, guard, quote

revision: str = "0005_append_only"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade(schema: str) -> None:
    run_script(APPEND_ONLY_GUARD_DDL + guard("catalog_audit"))
    run_script(f"""
    CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON checkpoints
        FOR EACH STATEMENT EXECUTE FUNCTION append_only_guard();

    CREATE FUNCTION events_safe_position() RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER
        SET search_path = {quote(schema)}, pg_temp AS $$
    BEGIN
        LOCK TABLE events IN SHARE MODE;
        RETURN (SELECT coalesce(max(position), 0) FROM events);
    END $$;
    """)  # noqa: S608 (the schema is a quoted identifier)


def downgrade(schema: str) -> None:
    run_script("""
    DROP FUNCTION events_safe_position();
    DROP TRIGGER checkpoints_no_truncate ON checkpoints;
    DROP TRIGGER catalog_audit_append_only ON catalog_audit;
    DROP TRIGGER catalog_audit_no_truncate ON catalog_audit;
    DROP FUNCTION append_only_guard();
    """)
