"""Trace context next to each outbox row and each webhook delivery (docs/adr/0019): the
W3C traceparent of the span that wrote it, NULL when tracing is off; never inside the
hashed event bytes.

Revision ID: 0012_trace_context
Revises: 0011_forecast_latest
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from lotledger.shared.migrations import run_script
from lotledger.shared.outbox import TRACE_CONTEXT_DDL

revision: str = "0012_trace_context"
down_revision: str | None = "0011_forecast_latest"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade(schema: str) -> None:
    run_script(f"{TRACE_CONTEXT_DDL}; ALTER TABLE deliveries ADD COLUMN traceparent text;")


def downgrade(schema: str) -> None:
    run_script(
        "ALTER TABLE outbox DROP COLUMN traceparent; "
        "ALTER TABLE deliveries DROP COLUMN traceparent;"
    )
