"""Autovacuum's ANALYZE, less often and lighter (docs/adr/0014, tenth amendment).

- `batches` and `stock_levels` are analysed once the rows changed since the last time
  pass five times the table (`autovacuum_analyze_scale_factor = 5`; the default is a
  tenth). Every single POST updates a batch and a stock line, so by default both were
  analysed at every autovacuum round, once a minute. Each ANALYZE makes every session
  plan its statements on the table again, and the seconds it ran in were the single
  POST's worst at 750 ops/s. What their
  plans depend on (expiry, status, warehouse, product) moves slowly; a table that only
  grows is analysed again once it has grown sixfold (inserts count as changes).
- ANALYZE of `events` keeps no statistics for the columns no query filters, joins or
  sorts on: it sorted the 30,000 rows it samples by each column, the event's bytes and
  its `data` documents among them, for statistics no plan reads. What plans use
  (stream, version, position, slot, transaction id, type, time) keeps its statistics.

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


SETTLED = ("batches", "stock_levels")


def upgrade(schema: str) -> None:
    run_script(
        _statistics(0)
        + "".join(f"ALTER TABLE {t} SET (autovacuum_analyze_scale_factor = 5);" for t in SETTLED)
    )


def downgrade(schema: str) -> None:
    run_script(
        _statistics(-1)
        + "".join(f"ALTER TABLE {t} RESET (autovacuum_analyze_scale_factor);" for t in SETTLED)
    )
