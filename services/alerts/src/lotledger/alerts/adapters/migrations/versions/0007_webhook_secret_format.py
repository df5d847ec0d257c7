"""Webhook subscriptions record how their secret makes the signing key (ADR 0006): the
existing ones keep their free-text secret (`legacy`: its UTF-8 bytes, and the deprecated
X-Lotledger-Signature beside the Standard Webhooks headers); new ones are created with a
`whsec_` secret (`standard`). A downgrade forgets the format: code before this revision
signs with a `whsec_` secret's text as the key, which its receivers will refuse.

Revision ID: 0007_webhook_secret_format
Revises: 0006_alert_warehouses
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from lotledger.shared.migrations import run_script

revision: str = "0007_webhook_secret_format"
down_revision: str | None = "0006_alert_warehouses"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade(schema: str) -> None:
    run_script("""
    ALTER TABLE subscriptions ADD COLUMN secret_format text NOT NULL DEFAULT 'legacy'
        CHECK (secret_format IN ('legacy', 'standard'));
    ALTER TABLE subscriptions ALTER COLUMN secret_format DROP DEFAULT;
    """)


def downgrade(schema: str) -> None:
    run_script("ALTER TABLE subscriptions DROP COLUMN secret_format;")
