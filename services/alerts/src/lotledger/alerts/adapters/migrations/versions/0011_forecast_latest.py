"""The latest expiry-risk forecast per product and warehouse (docs/adr/0015-forecast.md):
written by the evaluation that computes it (on each relevant event and in the sweep),
read by the warehouse-wide expiry-risk report, top rows first. Derived from the facts at
the instant of its evaluation, so `rebuild --compare` leaves it out.

Revision ID: 0011_forecast_latest
Revises: 0010_forecast
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from lotledger.shared.migrations import run_script

revision: str = "0011_forecast_latest"
down_revision: str | None = "0010_forecast"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade(schema: str) -> None:
    run_script("""
    CREATE TABLE forecast_latest (
        gtin text COLLATE "C" NOT NULL,
        warehouse text COLLATE "C" NOT NULL,
        qty_at_risk bigint NOT NULL,
        computed_at timestamptz NOT NULL,
        forecast jsonb NOT NULL,
        PRIMARY KEY (gtin, warehouse)
    );
    CREATE INDEX forecast_latest_by_risk
        ON forecast_latest (warehouse, qty_at_risk DESC, gtin);
    """)


def downgrade(schema: str) -> None:
    run_script("DROP TABLE forecast_latest;")
