"""The event table is what the stock relay reads (docs/adr/0014, seventh amendment): each
event row carries the id of the transaction that wrote it (`tx`), its relay slot, its
Kafka payload and trace context; the relay keeps a cursor per slot on `(tx, position)`
and never passes the oldest transaction still running. Stock events no longer get an
outbox row. A batch's row keeps the id of the transaction that wrote its head (`tx`), so
the locking path can refuse to build on a younger one.

Stop every relay before upgrading (as for `..._relay_slots`). Events still in the outbox
are moved onto their event rows, and each slot's cursor starts just before its oldest
one; a slot's events published after that one are published again (consumers keep one
per event id). `slot` is a stored generated column: adding it rewrites `events`.

Revision ID: 0013_event_relay
Revises: 0012_suspect_record
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from lotledger.shared.migrations import run_script
from lotledger.shared.relay_slots import SLOTS

revision: str = "0013_event_relay"
down_revision: str | None = "0012_suspect_record"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade(schema: str) -> None:
    run_script(f"""
    ALTER TABLE events ADD COLUMN tx xid8 NOT NULL DEFAULT '1'::xid8,
        ADD COLUMN payload bytea,
        ADD COLUMN traceparent text,
        ADD COLUMN slot smallint NOT NULL
            GENERATED ALWAYS AS ((hashtext(stream_id) & {SLOTS - 1})::smallint) STORED;
    ALTER TABLE events ALTER COLUMN tx SET DEFAULT pg_current_xact_id();
    CREATE INDEX events_relay ON events (slot, tx, position);
    ALTER TABLE batches ADD COLUMN tx xid8 NOT NULL DEFAULT '1'::xid8;
    ALTER TABLE batches ALTER COLUMN tx SET DEFAULT pg_current_xact_id();

    CREATE TABLE relay_cursors (
        slot     smallint PRIMARY KEY,
        tx       xid8 NOT NULL,
        position bigint NOT NULL
    );
    CREATE TABLE event_relay_offsets (LIKE relay_offsets INCLUDING ALL);
    INSERT INTO event_relay_offsets SELECT * FROM relay_offsets;

    INSERT INTO relay_cursors (slot, tx, position)
    SELECT s, '1'::xid8, coalesce(
        (SELECT min(e.position) - 1 FROM events e JOIN outbox o ON o.event_id = e.event_id
         WHERE e.slot = s),
        (SELECT max(position) FROM events), 0)
    FROM generate_series(0, {SLOTS - 1}) AS s;
    ALTER TABLE events DISABLE TRIGGER events_no_update_delete;
    UPDATE events e SET payload = o.payload, traceparent = o.traceparent
        FROM outbox o WHERE o.event_id = e.event_id;
    ALTER TABLE events ENABLE TRIGGER events_no_update_delete;
    DELETE FROM outbox o USING events e WHERE e.event_id = o.event_id;

    CREATE FUNCTION events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM pg_notify(TG_TABLE_SCHEMA || '_events', '');
        RETURN NULL;
    END $$;
    CREATE TRIGGER events_inserted AFTER INSERT ON events
        FOR EACH STATEMENT EXECUTE FUNCTION events_notify();
    """)  # noqa: S608 (constants only)


def downgrade(schema: str) -> None:
    run_script("""
    DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM events e JOIN relay_cursors c ON c.slot = e.slot
                   AND (e.tx, e.position) > (c.tx, c.position)) THEN
            RAISE EXCEPTION 'events are waiting for the relay: let it publish them first';
        END IF;
    END $$;
    DROP TRIGGER events_inserted ON events;
    DROP FUNCTION events_notify();
    DROP TABLE relay_cursors, event_relay_offsets;
    DROP INDEX events_relay;
    ALTER TABLE events DROP COLUMN slot, DROP COLUMN traceparent, DROP COLUMN payload,
        DROP COLUMN tx;
    ALTER TABLE batches DROP COLUMN tx;
    """)
