"""Autovacuum that does not take a core at once (docs/adr/0014, eleventh amendment).

On a busy new database autovacuum visits `events`, `batches` and `stock_levels` once a
minute, and each visit (vacuum, then ANALYZE) used most of a core for about a second: the
seconds of the single POST's worst latencies. Two changes:

- ANALYZE of `events` keeps no statistics for the columns no query filters, joins or
  sorts on (the event's bytes, its data, hashes and metadata): sorting 30,000 sampled
  payloads and `data` documents was most of its work, for statistics no plan reads.
- Autovacuum sleeps five times as long between its rounds of work on the three tables
  (`autovacuum_vacuum_cost_delay` 10 ms instead of 2): the same work, spread over
  seconds instead of taken at once.

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

SPREAD = ("events", "batches", "stock_levels")


def _statistics(target: int) -> str:
    columns = ", ".join(f"ALTER COLUMN {c} SET STATISTICS {target}" for c in UNSTUDIED)
    return f"ALTER TABLE events {columns};"


def upgrade(schema: str) -> None:
    run_script(
        _statistics(0)
        + "".join(f"ALTER TABLE {t} SET (autovacuum_vacuum_cost_delay = 10);" for t in SPREAD)
    )


def downgrade(schema: str) -> None:
    run_script(
        _statistics(-1)
        + "".join(f"ALTER TABLE {t} RESET (autovacuum_vacuum_cost_delay);" for t in SPREAD)
    )
