"""Event store, batch state, stock levels, outbox, idempotency, master data.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from collections.abc import Sequence

from lotledger.shared.migrations import run_script
from lotledger.shared.outbox import OUTBOX_DDL

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade(schema: str) -> None:
    run_script(OUTBOX_DDL)
    run_script("""
    CREATE TABLE events (
        position       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        event_id       uuid NOT NULL UNIQUE,
        stream_id      text NOT NULL,
        source         text NOT NULL,
        version        integer NOT NULL CHECK (version > 0),
        type           text NOT NULL,
        data           jsonb NOT NULL,
        occurred_at    timestamptz NOT NULL,
        actor          text NOT NULL,
        device         text,
        correlation_id text,
        causation_id   text,
        prev_hash      char(64) NOT NULL,
        hash           char(64) NOT NULL,
        recorded_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
        UNIQUE (stream_id, version)
    );

    CREATE FUNCTION events_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'events are immutable: % refused on %', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END $$;
    CREATE TRIGGER events_no_update_delete BEFORE UPDATE OR DELETE ON events
        FOR EACH ROW EXECUTE FUNCTION events_are_immutable();
    CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
        FOR EACH STATEMENT EXECUTE FUNCTION events_are_immutable();

    CREATE TABLE batches (
        batch_id    text PRIMARY KEY,
        gtin        text NOT NULL,
        lot         text NOT NULL,
        expiry      date NOT NULL,
        status      text NOT NULL,
        version     integer NOT NULL,
        head_hash   char(64) NOT NULL,
        on_hand     jsonb NOT NULL,
        warehouses  text[] NOT NULL,
        updated_at  timestamptz NOT NULL
    );
    CREATE INDEX batches_gtin ON batches (gtin);

    CREATE TABLE stock_levels (
        batch_id   text NOT NULL,
        location   text NOT NULL,
        gtin       text NOT NULL,
        lot        text NOT NULL,
        warehouse  text NOT NULL,
        qty        integer NOT NULL CHECK (qty > 0),
        PRIMARY KEY (batch_id, location)
    );
    CREATE INDEX stock_levels_gtin ON stock_levels (gtin, warehouse);
    CREATE INDEX stock_levels_location ON stock_levels (location);
    CREATE INDEX stock_levels_warehouse ON stock_levels (warehouse);

    CREATE TABLE idempotency (
        principal   text NOT NULL,
        key         text NOT NULL,
        fingerprint char(64) NOT NULL,
        status      integer NOT NULL,
        body        bytea NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (principal, key)
    );

    CREATE TABLE products (
        gtin        text PRIMARY KEY,
        record      jsonb NOT NULL,
        version     integer NOT NULL,
        updated_at  timestamptz NOT NULL,
        updated_by  text NOT NULL
    );

    CREATE TABLE locations (
        location_id text PRIMARY KEY,
        warehouse   text NOT NULL,
        record      jsonb NOT NULL,
        version     integer NOT NULL,
        updated_at  timestamptz NOT NULL,
        updated_by  text NOT NULL
    );
    CREATE INDEX locations_warehouse ON locations (warehouse);

    CREATE TABLE catalog_audit (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        entity      text NOT NULL,
        entity_id   text NOT NULL,
        actor       text NOT NULL,
        device      text,
        at          timestamptz NOT NULL,
        before      jsonb,
        after       jsonb NOT NULL
    );
    CREATE INDEX catalog_audit_entity ON catalog_audit (entity, entity_id, id);
    """)


def downgrade(schema: str) -> None:
    run_script("""
    DROP TABLE catalog_audit, locations, products, idempotency, relay_offsets, outbox,
        stock_levels, batches, events;
    DROP FUNCTION outbox_notify, events_are_immutable;
    """)
