"""Monitoring facts (docs/adr/0013-climate-record.md): sensors as the registry describes
them (registered, active, interval, measures, calibration due, registration time; a sensor
may be registered before it ever reports), each location's kind (storage, quarantine,
dispatch), excursions naming their sensors and whether they were found late or withdrawn,
and the GSP cadence while out of range as a rule setting.

Locations already known take the kind `storage` until their next catalog record says.

Revision ID: 0008_sensors
Revises: 0007_webhook_secret_format
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from lotledger.shared.migrations import run_script

revision: str = "0008_sensors"
down_revision: str | None = "0007_webhook_secret_format"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade(schema: str) -> None:
    run_script("""
    ALTER TABLE sensors ALTER COLUMN last_reading_at DROP NOT NULL,
        ADD COLUMN registered boolean NOT NULL DEFAULT false,
        ADD COLUMN active boolean NOT NULL DEFAULT true,
        ADD COLUMN interval_minutes integer,
        ADD COLUMN measures text[] NOT NULL DEFAULT '{}',
        ADD COLUMN calibration_due date,
        ADD COLUMN registered_at timestamptz,
        ADD COLUMN version integer NOT NULL DEFAULT 0;
    CREATE INDEX sensors_location ON sensors (location);

    ALTER TABLE locations ADD COLUMN kind text NOT NULL DEFAULT 'storage';
    ALTER TABLE locations ALTER COLUMN kind DROP DEFAULT;

    CREATE INDEX lot_stock_location ON lot_stock (location);

    ALTER TABLE excursions ADD COLUMN sensors text[] NOT NULL DEFAULT '{}',
        ADD COLUMN detected_late boolean NOT NULL DEFAULT false,
        ADD COLUMN withdrawn boolean NOT NULL DEFAULT false;
    CREATE INDEX excursions_open_at ON excursions (location)
        WHERE ended_at IS NULL AND NOT withdrawn;

    ALTER TABLE rules_config ADD COLUMN out_of_range_silence_minutes integer NOT NULL DEFAULT 2;
    """)


def downgrade(schema: str) -> None:
    run_script("""
    ALTER TABLE rules_config DROP COLUMN out_of_range_silence_minutes;
    DROP INDEX excursions_open_at;
    ALTER TABLE excursions DROP COLUMN withdrawn, DROP COLUMN detected_late, DROP COLUMN sensors;
    DROP INDEX lot_stock_location;
    ALTER TABLE locations DROP COLUMN kind;
    DROP INDEX sensors_location;
    DELETE FROM sensors WHERE last_reading_at IS NULL;
    ALTER TABLE sensors DROP COLUMN version, DROP COLUMN registered_at,
        DROP COLUMN calibration_due, DROP COLUMN measures, DROP COLUMN interval_minutes,
        DROP COLUMN active, DROP COLUMN registered,
        ALTER COLUMN last_reading_at SET NOT NULL;
    """)
