"""Webhook subscriptions to stock events (for ERPs without Kafka).

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
    ALTER TABLE subscriptions ADD COLUMN stock_types text[] NOT NULL DEFAULT '{}';
    ALTER TABLE deliveries RENAME COLUMN alert_id TO order_key;
    ALTER TABLE deliveries ALTER COLUMN order_key TYPE text USING order_key::text;
    DROP INDEX deliveries_by_alert;
    CREATE INDEX deliveries_by_order_key ON deliveries (subscription_id, order_key, seq)
        WHERE status = 'pending';
    """)


def downgrade(schema: str) -> None:
    run_script("""
    DROP INDEX deliveries_by_order_key;
    ALTER TABLE deliveries ALTER COLUMN order_key TYPE uuid USING order_key::uuid;
    ALTER TABLE deliveries RENAME COLUMN order_key TO alert_id;
    CREATE INDEX deliveries_by_alert ON deliveries (subscription_id, alert_id, seq)
        WHERE status = 'pending';
    ALTER TABLE subscriptions DROP COLUMN stock_types;
    """)
