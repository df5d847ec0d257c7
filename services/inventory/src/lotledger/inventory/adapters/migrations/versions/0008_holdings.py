"""Holdings, device time, returns against shipments, warehouses, sync conflicts
(docs/adr/0011-holdings.md, docs/adr/0012-device-time.md).

- `events.recorded_time`: the envelope's `recordedtime` (when the server recorded the
  event; `occurred_at` is its `time`, when it happened). Null on events recorded before it
  existed, whose envelopes have no such member (their hashes must not change).
- `batches.held` (`{location: {holding status: qty}}`, the part of on-hand that is not
  available) and `batches.last_at` (the latest `data.at` folded, backfilled).
- `stock_levels` per holding: the holding is part of the key and FEFO's index covers only
  available holdings.
- `warehouses`: a warehouse's master data (its incoming-inspection default).
- `sync_conflicts` and `sync_resolutions`, append-only.

Revision ID: 0008_holdings
Revises: 0007_sensors
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from lotledger.shared.migrations import run_script
from lotledger.shared.privileges import guard

revision: str = "0008_holdings"
down_revision: str | None = "0007_sensors"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("sync_conflicts", "sync_resolutions")


def upgrade(schema: str) -> None:
    run_script("""
    ALTER TABLE events ADD COLUMN recorded_time timestamptz;

    ALTER TABLE batches ADD COLUMN held jsonb NOT NULL DEFAULT '{}',
        ADD COLUMN last_at timestamptz;
    UPDATE batches b SET last_at = (SELECT max(e.occurred_at) FROM events e
                                    WHERE e.stream_id = b.batch_id);

    ALTER TABLE stock_levels ADD COLUMN holding text NOT NULL DEFAULT 'available';
    ALTER TABLE stock_levels DROP CONSTRAINT stock_levels_pkey,
        ADD PRIMARY KEY (batch_id, location, holding);
    DROP INDEX stock_levels_fefo;
    CREATE INDEX stock_levels_fefo ON stock_levels (gtin, warehouse, expiry, lot)
        WHERE status = 'available' AND pickable AND holding = 'available';

    CREATE TABLE warehouses (
        warehouse_id text PRIMARY KEY,
        record       jsonb NOT NULL,
        version      integer NOT NULL,
        updated_at   timestamptz NOT NULL,
        updated_by   text NOT NULL
    );

    CREATE TABLE sync_conflicts (
        conflict_id  uuid PRIMARY KEY,
        principal    text NOT NULL,
        client_op_id text NOT NULL,
        op           text NOT NULL,
        operation    jsonb NOT NULL,
        problem      jsonb NOT NULL,
        warehouses   text[] NOT NULL,
        gtin         text,
        lot          text,
        device       text,
        scanned_at   timestamptz,
        recorded_at  timestamptz NOT NULL,
        UNIQUE (principal, client_op_id)
    );
    CREATE INDEX sync_conflicts_recorded ON sync_conflicts (recorded_at, conflict_id);
    CREATE INDEX sync_conflicts_warehouses ON sync_conflicts USING gin (warehouses);

    CREATE TABLE sync_resolutions (
        conflict_id uuid PRIMARY KEY REFERENCES sync_conflicts,
        resolution  text NOT NULL CHECK (resolution IN ('applied', 'discarded')),
        reason      text NOT NULL,
        resolved_by text NOT NULL,
        resolved_at timestamptz NOT NULL,
        events      uuid[] NOT NULL
    );
    """)
    run_script("".join(guard(t) for t in APPEND_ONLY))


def downgrade(schema: str) -> None:
    run_script("""
    DROP TABLE sync_resolutions, sync_conflicts, warehouses;
    DROP INDEX stock_levels_fefo;
    DELETE FROM stock_levels;
    ALTER TABLE stock_levels DROP CONSTRAINT stock_levels_pkey,
        ADD PRIMARY KEY (batch_id, location);
    ALTER TABLE stock_levels DROP COLUMN holding;
    INSERT INTO stock_levels (batch_id, location, gtin, lot, warehouse, qty, expiry, status,
                              pickable)
    SELECT b.batch_id, h.key, b.gtin, b.lot, split_part(h.key, '/', 1), h.value::int,
           b.expiry, b.status,
           coalesce((SELECT l.record->>'kind' <> 'quarantine' FROM locations l
                     WHERE l.location_id = h.key), true)
    FROM batches b CROSS JOIN LATERAL jsonb_each_text(b.on_hand) AS h;
    CREATE INDEX stock_levels_fefo ON stock_levels (gtin, warehouse, expiry, lot)
        WHERE status = 'available' AND pickable;
    ALTER TABLE batches DROP COLUMN held, DROP COLUMN last_at;
    ALTER TABLE events DROP COLUMN recorded_time;
    """)
