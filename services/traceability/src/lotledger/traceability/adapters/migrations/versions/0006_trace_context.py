"""Trace context next to each outbox row (docs/adr/0019): the W3C traceparent
of the span that wrote it, NULL when tracing is off; never inside the hashed event bytes.

Revision ID: 0006_trace_context
Revises: 0005_serials
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from lotledger.shared.migrations import run_script
from lotledger.shared.outbox import TRACE_CONTEXT_DDL

revision: str = "0006_trace_context"
down_revision: str | None = "0005_serials"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade(schema: str) -> None:
    run_script(TRACE_CONTEXT_DDL)


def downgrade(schema: str) -> None:
    run_script("ALTER TABLE outbox DROP COLUMN traceparent;")
