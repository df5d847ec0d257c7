"""Read models: catalog copy, lots, history, parties, residence, stays, climate, outbox.

Shapes and index choices are explained in docs/adr/0003-traceability-read-models.md.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from collections.abc import Sequence

from lotledger.shared.migrations import run_script
from lotledger.shared.outbox import OUTBOX_DDL
from lotledger.shared.positions import POSITIONS_DDL

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade(schema: str) -> None:
    run_script(POSITIONS_DDL)
    run_script(OUTBOX_DDL)
    run_script("""
    CREATE TABLE products (
        gtin          text PRIMARY KEY,
        name          text NOT NULL,
        storage_class text NOT NULL,
        rx            boolean NOT NULL,
        version       integer NOT NULL,
        record        jsonb NOT NULL
    );

    CREATE TABLE locations (
        location_id      text PRIMARY KEY,
        warehouse        text NOT NULL,
        name             text NOT NULL,
        kind             text NOT NULL,
        storage_class    text NOT NULL,
        temp_min_c       double precision NOT NULL,
        temp_max_c       double precision NOT NULL,
        humidity_min_pct double precision,
        humidity_max_pct double precision,
        timezone         text NOT NULL,
        version          integer NOT NULL,
        record           jsonb NOT NULL
    );
    CREATE INDEX locations_warehouse ON locations (warehouse);

    CREATE TABLE lots (
        gtin            text NOT NULL,
        lot             text NOT NULL,
        expiry          date,
        manufactured    date,
        status          text,
        version         integer NOT NULL,
        head_hash       text,
        first_at        timestamptz NOT NULL,
        last_at         timestamptz NOT NULL,
        received        bigint NOT NULL,
        shipped         bigint NOT NULL,
        disposed        bigint NOT NULL,
        returned        bigint NOT NULL,
        adjustments     bigint NOT NULL,
        count_variances bigint NOT NULL,
        on_hand         bigint NOT NULL,
        warehouses      text[] NOT NULL,
        updated_at      timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (gtin, lot)
    );
    CREATE INDEX lots_expiry ON lots (expiry, gtin, lot);
    CREATE INDEX lots_status ON lots (status, gtin, lot);
    CREATE INDEX lots_warehouses ON lots USING gin (warehouses);

    CREATE TABLE history (
        gtin           text NOT NULL,
        lot            text NOT NULL,
        version        integer NOT NULL,
        event_id       uuid NOT NULL,
        type           text NOT NULL,
        source         text NOT NULL,
        time           timestamptz NOT NULL,
        at             timestamptz NOT NULL,
        actor          text,
        device         text,
        correlation_id text,
        causation_id   text,
        prev_hash      text,
        hash           text,
        locations      text[] NOT NULL,
        data           jsonb NOT NULL,
        extensions     jsonb,
        step           json NOT NULL,
        PRIMARY KEY (gtin, lot, version)
    );
    CREATE FUNCTION history_is_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'history is immutable: % refused on %', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END $$;
    CREATE TRIGGER history_no_update_delete BEFORE UPDATE OR DELETE ON history
        FOR EACH ROW EXECUTE FUNCTION history_is_immutable();
    CREATE TRIGGER history_no_truncate BEFORE TRUNCATE ON history
        FOR EACH STATEMENT EXECUTE FUNCTION history_is_immutable();

    CREATE TABLE receipts (
        gtin      text NOT NULL,
        lot       text NOT NULL,
        version   integer NOT NULL,
        kind      text NOT NULL CHECK (kind IN ('received', 'returned')),
        party     text NOT NULL,
        qty       integer NOT NULL,
        at        timestamptz NOT NULL,
        location  text NOT NULL,
        warehouse text NOT NULL,
        reference text,
        PRIMARY KEY (gtin, lot, version)
    );
    CREATE INDEX receipts_party ON receipts (party, at);

    CREATE TABLE shipments (
        gtin      text NOT NULL,
        lot       text NOT NULL,
        version   integer NOT NULL,
        consignee text NOT NULL,
        qty       integer NOT NULL,
        at        timestamptz NOT NULL,
        order_ref text NOT NULL,
        channel   text,
        location  text NOT NULL,
        warehouse text NOT NULL,
        PRIMARY KEY (gtin, lot, version)
    );
    CREATE INDEX shipments_consignee ON shipments (consignee, gtin, lot);

    CREATE TABLE residence (
        gtin      text NOT NULL,
        lot       text NOT NULL,
        location  text NOT NULL,
        version   integer NOT NULL,
        warehouse text NOT NULL,
        qty       integer NOT NULL CHECK (qty > 0),
        start_at  timestamptz NOT NULL,
        end_at    timestamptz CHECK (end_at >= start_at),
        PRIMARY KEY (gtin, lot, location, start_at, version)
    );
    CREATE INDEX residence_open_location ON residence (location) WHERE end_at IS NULL;

    CREATE TABLE stays (
        gtin      text NOT NULL,
        lot       text NOT NULL,
        location  text NOT NULL,
        version   integer NOT NULL,
        warehouse text NOT NULL,
        start_at  timestamptz NOT NULL,
        end_at    timestamptz CHECK (end_at >= start_at),
        period    tstzrange GENERATED ALWAYS AS (tstzrange(start_at, end_at, '[]')) STORED,
        PRIMARY KEY (gtin, lot, location, version)
    );
    CREATE INDEX stays_period ON stays USING gist (period);
    CREATE UNIQUE INDEX stays_open ON stays (gtin, lot, location) WHERE end_at IS NULL;

    CREATE VIEW balances AS
        SELECT gtin, lot, location, warehouse, qty, start_at AS since
        FROM residence WHERE end_at IS NULL;

    CREATE TABLE readings (
        sensor        text NOT NULL,
        at            timestamptz NOT NULL,
        location      text NOT NULL,
        warehouse     text NOT NULL,
        temperature_c double precision,
        humidity_pct  double precision,
        PRIMARY KEY (sensor, at)
    );
    CREATE INDEX readings_location_at ON readings (location, at);

    CREATE TABLE detector_states (
        location   text NOT NULL,
        sensor     text NOT NULL,
        metric     text NOT NULL,
        last_at    timestamptz,
        state      jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (location, sensor, metric)
    );

    CREATE TABLE excursions (
        excursion_id uuid PRIMARY KEY,
        location     text NOT NULL,
        warehouse    text NOT NULL,
        sensor       text NOT NULL,
        metric       text NOT NULL,
        kind         text NOT NULL,
        limit_value  double precision NOT NULL,
        started_at   timestamptz NOT NULL,
        ended_at     timestamptz,
        peak         double precision NOT NULL,
        readings     integer NOT NULL,
        period       tstzrange GENERATED ALWAYS AS (tstzrange(started_at, ended_at)) STORED
    );
    CREATE INDEX excursions_location ON excursions (location, started_at);
    CREATE INDEX excursions_started ON excursions (started_at);
    CREATE INDEX excursions_open ON excursions (location) WHERE ended_at IS NULL;
    CREATE INDEX excursions_period ON excursions USING gist (period);
    """)


def downgrade(schema: str) -> None:
    run_script("""
    DROP VIEW balances;
    DROP TABLE excursions, detector_states, readings, stays, residence, shipments, receipts,
        history, lots, locations, products, relay_offsets, outbox, consumer_positions;
    DROP FUNCTION history_is_immutable, outbox_notify;
    """)
