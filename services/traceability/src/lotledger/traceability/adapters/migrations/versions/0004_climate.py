"""One location, one climate (docs/adr/0013-climate-record.md): detector states per
(location, metric) instead of per sensor; excursions naming every sensor that read out of
range, when the first of those readings reached lotledger and whether that was late;
readings keeping when they were received; the sensors that ever reported each metric at
each location; and the sensor registry's copy (retirements end a sensor's readings).

Detector states are dropped: a series without state starts afresh with its next reading.
Excursions detected before keep their per-sensor ids; `lotledger-traceability rebuild`
re-detects them under the location rule (ADR 0013, upgrading).

Revision ID: 0004_climate
Revises: 0003_checkpoints
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from lotledger.shared.migrations import run_script

revision: str = "0004_climate"
down_revision: str | None = "0003_checkpoints"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade(schema: str) -> None:
    run_script("""
    ALTER TABLE readings ADD COLUMN recorded_at timestamptz;

    CREATE TABLE location_sensors (
        location text NOT NULL,
        metric   text NOT NULL,
        sensor   text NOT NULL,
        PRIMARY KEY (location, metric, sensor)
    );
    INSERT INTO location_sensors (location, metric, sensor)
    SELECT DISTINCT location, 'temperature', sensor FROM readings WHERE temperature_c IS NOT NULL
    UNION SELECT DISTINCT location, 'humidity', sensor FROM readings WHERE humidity_pct IS NOT NULL;

    CREATE TABLE sensors (
        sensor_id  text PRIMARY KEY,
        location   text NOT NULL,
        warehouse  text NOT NULL,
        status     text NOT NULL,
        retired_at timestamptz,
        version    integer NOT NULL,
        record     jsonb NOT NULL
    );
    CREATE INDEX sensors_location ON sensors (location);

    DROP TABLE detector_states;
    CREATE TABLE detector_states (
        location   text NOT NULL,
        metric     text NOT NULL,
        last_at    timestamptz,
        state      jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (location, metric)
    );

    ALTER TABLE excursions
        ADD COLUMN sensors text[] NOT NULL DEFAULT '{}',
        ADD COLUMN detected_late boolean NOT NULL DEFAULT false,
        ADD COLUMN first_recorded_at timestamptz;
    UPDATE excursions SET sensors = ARRAY[sensor];
    ALTER TABLE excursions ALTER COLUMN sensors DROP DEFAULT,
        ALTER COLUMN detected_late DROP DEFAULT;
    CREATE INDEX excursions_location_kind ON excursions (location, kind, started_at);
    """)


def downgrade(schema: str) -> None:
    run_script("""
    DROP INDEX excursions_location_kind;
    ALTER TABLE excursions DROP COLUMN first_recorded_at, DROP COLUMN detected_late,
        DROP COLUMN sensors;
    DROP TABLE detector_states;
    CREATE TABLE detector_states (
        location   text NOT NULL,
        sensor     text NOT NULL,
        metric     text NOT NULL,
        last_at    timestamptz,
        state      jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (location, sensor, metric)
    );
    DROP TABLE sensors, location_sensors;
    ALTER TABLE readings DROP COLUMN recorded_at;
    """)
