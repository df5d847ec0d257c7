"""The sensor registry: every sensor and data logger, where it is, what it measures, how
often it reports, its calibration due date and whether it is retired (the whole record as
published on the catalog topic; changes audited in `catalog_audit`).

Revision ID: 0007_sensors
Revises: 0006_merkle_log
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from lotledger.shared.migrations import run_script

revision: str = "0007_sensors"
down_revision: str | None = "0006_merkle_log"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade(schema: str) -> None:
    run_script("""
    CREATE TABLE sensors (
        sensor_id  text PRIMARY KEY,
        location   text NOT NULL,
        warehouse  text NOT NULL,
        record     jsonb NOT NULL,
        version    integer NOT NULL,
        updated_at timestamptz NOT NULL,
        updated_by text NOT NULL
    );
    CREATE INDEX sensors_location ON sensors (location);
    CREATE INDEX sensors_warehouse ON sensors (warehouse, sensor_id);
    """)


def downgrade(schema: str) -> None:
    run_script("DROP TABLE sensors;")
