"""Alerts: rule facts, alerts with their lifecycle, rules, webhooks, outboxes.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from collections.abc import Sequence

from lotledger.shared.migrations import run_script
from lotledger.shared.positions import POSITIONS_DDL

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FACTS = """
CREATE TABLE products (
    gtin             text PRIMARY KEY,
    reorder_point    integer,
    max_stock        integer,
    near_expiry_days integer[],
    version          integer NOT NULL
);

CREATE TABLE locations (
    location_id text PRIMARY KEY,
    warehouse   text NOT NULL,
    timezone    text NOT NULL,
    version     integer NOT NULL
);
CREATE INDEX locations_warehouse ON locations (warehouse);

CREATE TABLE lots (
    gtin    text NOT NULL,
    lot     text NOT NULL,
    expiry  date NOT NULL,
    status  text NOT NULL,
    version integer NOT NULL,
    PRIMARY KEY (gtin, lot)
);

CREATE TABLE lot_stock (
    gtin      text NOT NULL,
    lot       text NOT NULL,
    location  text NOT NULL,
    warehouse text NOT NULL,
    qty       bigint NOT NULL CHECK (qty > 0),
    PRIMARY KEY (gtin, lot, location),
    FOREIGN KEY (gtin, lot) REFERENCES lots (gtin, lot)
);

CREATE TABLE stocked_in (
    gtin      text NOT NULL,
    warehouse text NOT NULL,
    PRIMARY KEY (gtin, warehouse)
);

CREATE TABLE shipments (
    gtin     text NOT NULL,
    lot      text NOT NULL,
    party    text NOT NULL,
    shipped  bigint NOT NULL DEFAULT 0,
    returned bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (gtin, lot, party)
);

CREATE TABLE recalls (
    gtin         text NOT NULL,
    lot          text NOT NULL,
    recall_id    text NOT NULL,
    recall_class text NOT NULL,
    reason       text NOT NULL,
    recalled_at  timestamptz NOT NULL,
    PRIMARY KEY (gtin, lot)
);

CREATE TABLE sensors (
    sensor          text PRIMARY KEY,
    location        text NOT NULL,
    last_reading_at timestamptz NOT NULL
);

CREATE TABLE excursions (
    excursion_id text PRIMARY KEY,
    location     text NOT NULL,
    kind         text NOT NULL,
    limit_value  double precision NOT NULL,
    started_at   timestamptz NOT NULL,
    peak         double precision NOT NULL,
    exposed_lots jsonb NOT NULL,
    ended_at     timestamptz
);
CREATE INDEX excursions_open ON excursions (excursion_id) WHERE ended_at IS NULL;
"""

ALERTS = """
CREATE TABLE alerts (
    alert_id        uuid PRIMARY KEY,
    alert_type      text NOT NULL,
    subject         text NOT NULL,
    tier            text NOT NULL,
    grp             text NOT NULL,
    severity        text NOT NULL,
    status          text NOT NULL CHECK (status IN ('raised', 'acknowledged', 'resolved')),
    details         jsonb NOT NULL,
    gtin            text,
    warehouse       text,
    location        text,
    raised_at       timestamptz NOT NULL,
    changed_at      timestamptz NOT NULL,
    acknowledged_by text,
    acknowledged_at timestamptz,
    resolved_by     text,
    resolved_at     timestamptz
);
CREATE UNIQUE INDEX alerts_one_open_per_key ON alerts (alert_type, subject, tier)
    WHERE status <> 'resolved';
CREATE INDEX alerts_open_by_group ON alerts (alert_type, grp) WHERE status <> 'resolved';
CREATE INDEX alerts_listing ON alerts (raised_at DESC, alert_id DESC);
CREATE INDEX alerts_by_gtin ON alerts (gtin, raised_at DESC);
CREATE INDEX alerts_by_warehouse ON alerts (warehouse, raised_at DESC);

CREATE TABLE rules_config (
    singleton               boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    near_expiry_days        integer[] NOT NULL,
    sensor_silence_minutes  integer NOT NULL,
    excursion_grace_minutes integer NOT NULL,
    sweep_interval_seconds  integer NOT NULL,
    version                 integer NOT NULL,
    updated_at              timestamptz,
    updated_by              text
);
INSERT INTO rules_config (near_expiry_days, sensor_silence_minutes, excursion_grace_minutes,
    sweep_interval_seconds, version) VALUES ('{180,90,30}', 30, 0, 60, 0);

CREATE TABLE rules_audit (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version integer NOT NULL,
    actor   text NOT NULL,
    device  text,
    at      timestamptz NOT NULL,
    before  jsonb NOT NULL,
    after   jsonb NOT NULL
);

CREATE TABLE idempotency (
    principal   text NOT NULL,
    key         text NOT NULL,
    fingerprint char(64) NOT NULL,
    status      integer NOT NULL,
    body        bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (principal, key)
);
"""

OUTBOXES = """
CREATE FUNCTION notify_table() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_TABLE_SCHEMA || '_' || TG_TABLE_NAME, '');
    RETURN NULL;
END $$;

CREATE TABLE alert_outbox (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id   uuid NOT NULL UNIQUE,
    key        text NOT NULL,
    payload    bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER alert_outbox_inserted AFTER INSERT ON alert_outbox
    FOR EACH STATEMENT EXECUTE FUNCTION notify_table();

CREATE TABLE publisher_offsets (
    topic       text NOT NULL,
    partition   integer NOT NULL,
    next_offset bigint NOT NULL,
    PRIMARY KEY (topic, partition)
);

CREATE TABLE subscriptions (
    subscription_id      uuid PRIMARY KEY,
    url                  text NOT NULL,
    types                text[] NOT NULL,
    secret_sealed        bytea NOT NULL,
    created_by           text NOT NULL,
    created_at           timestamptz NOT NULL,
    deleted_by           text,
    deleted_at           timestamptz,
    consecutive_failures integer NOT NULL DEFAULT 0,
    failing_since        timestamptz
);

CREATE TABLE deliveries (
    seq             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id     uuid NOT NULL UNIQUE,
    subscription_id uuid NOT NULL REFERENCES subscriptions,
    event_id        uuid NOT NULL,
    event_type      text NOT NULL,
    alert_id        uuid NOT NULL,
    body            bytea NOT NULL,
    status          text NOT NULL
        CHECK (status IN ('pending', 'delivered', 'gave_up', 'cancelled')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz,
    created_at      timestamptz NOT NULL,
    finished_at     timestamptz
);
CREATE INDEX deliveries_pending ON deliveries (next_attempt_at NULLS FIRST, seq)
    WHERE status = 'pending';
CREATE INDEX deliveries_by_subscription ON deliveries (subscription_id, seq DESC);
CREATE INDEX deliveries_by_alert ON deliveries (subscription_id, alert_id, seq)
    WHERE status = 'pending';
CREATE TRIGGER deliveries_inserted AFTER INSERT ON deliveries
    FOR EACH STATEMENT EXECUTE FUNCTION notify_table();

CREATE TABLE delivery_attempts (
    delivery_id uuid NOT NULL REFERENCES deliveries (delivery_id),
    attempt     integer NOT NULL,
    at          timestamptz NOT NULL,
    status_code integer,
    error       text,
    duration_ms double precision NOT NULL,
    PRIMARY KEY (delivery_id, attempt)
);
"""


def upgrade(schema: str) -> None:
    run_script(POSITIONS_DDL + FACTS + ALERTS + OUTBOXES)


def downgrade(schema: str) -> None:
    run_script("""
    DROP TABLE delivery_attempts, deliveries, subscriptions, publisher_offsets, alert_outbox,
        idempotency, rules_audit, rules_config, alerts, excursions, sensors, recalls,
        shipments, stocked_in, lot_stock, lots, locations, products, consumer_positions;
    DROP FUNCTION notify_table;
    """)
