"""ANALYZE of `events` keeps no statistics for the columns no query filters, joins or sorts
on (docs/adr/0014, tenth amendment).

On a busy new database autovacuum visits `events` once a minute, and ANALYZE sorted the
30,000 rows it samples by each column, the event's bytes and its `data` documents among
them, for statistics no plan reads. What plans use (stream, version, position, slot,
transaction id, type, time) keeps its statistics.

Revision ID: 0016_maintenance
Revises: 0015_append_plan
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from lotledger.shared.migrations import run_script

revision: str = "0016_maintenance"
down_revision: str | None = "0015_append_plan"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNSTUDIED = (
    "source",
    "data",
    "actor",
    "device",
    "correlation_id",
    "causation_id",
    "prev_hash",
    "hash",
    "recorded_at",
    "recorded_time",
    "payload",
    "traceparent",
)
"""Columns of `events` that no statement filters, joins or sorts on."""


def _statistics(target: int) -> str:
    columns = ", ".join(f"ALTER COLUMN {c} SET STATISTICS {target}" for c in UNSTUDIED)
    return f"ALTER TABLE events {columns};"


def upgrade(schema: str) -> None:
    run_script(_statistics(0))


def downgrade(schema: str) -> None:
    run_script(_statistics(-1))
