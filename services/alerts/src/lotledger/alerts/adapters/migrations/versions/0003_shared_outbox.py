"""The alert-event outbox takes the shared outbox's shape (`lotledger.shared.outbox`), so
the shared relay publishes it. Its rows leave `topic` empty: every alert event goes to
the relay's default topic, whose name depends on the deployment's topic prefix.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from collections.abc import Sequence

from lotledger.shared.migrations import run_script

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade(schema: str) -> None:
    run_script("""
    DROP TRIGGER alert_outbox_inserted ON alert_outbox;
    ALTER TABLE alert_outbox RENAME TO outbox;
    ALTER TABLE outbox ADD COLUMN topic text NOT NULL DEFAULT '';
    CREATE TRIGGER outbox_inserted AFTER INSERT ON outbox
        FOR EACH STATEMENT EXECUTE FUNCTION notify_table();
    ALTER TABLE publisher_offsets RENAME TO relay_offsets;
    """)


def downgrade(schema: str) -> None:
    run_script("""
    ALTER TABLE relay_offsets RENAME TO publisher_offsets;
    DROP TRIGGER outbox_inserted ON outbox;
    ALTER TABLE outbox DROP COLUMN topic;
    ALTER TABLE outbox RENAME TO alert_outbox;
    CREATE TRIGGER alert_outbox_inserted AFTER INSERT ON alert_outbox
        FOR EACH STATEMENT EXECUTE FUNCTION notify_table();
    """)
