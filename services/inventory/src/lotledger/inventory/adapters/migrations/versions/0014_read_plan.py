"""The optimistic read of a request's named batches and pick probes as a function whose
plan is made once per session (docs/adr/0014, ninth amendment).

Every connection plans each execution of a prepared statement afresh
(`plan_cache_mode = force_custom_plan`, fourth amendment), and this read, a union of the
named batches and a lateral index scan per pick, took 0.38 ms to plan and 0.24 ms to run:
planning was most of Postgres's part of every group's read. Inside the function its plan
is kept (`force_generic_plan`), and made for index scans whatever the statistics of the
moment (`enable_seqscan`, `enable_bitmapscan` off), so a plan made while the tables were
small does not scan them whole once they have grown. Autovacuum's ANALYZE invalidates
it; the next call plans again, in the same shape.

The text is the read's at this revision (`adapters/store_sql.py` has the rest of the
event store's reads); a change to it is a new revision.

Revision ID: 0014_read_plan
Revises: 0013_event_relay
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from lotledger.shared.migrations import run_script

revision: str = "0014_read_plan"
down_revision: str | None = "0013_event_relay"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade(schema: str) -> None:
    run_script("""
    CREATE FUNCTION read_batches(text[], text[], text[], date[], text[], integer[], date[],
                                 text[])
    RETURNS TABLE (i bigint, batch_id text, gtin text, lot text, expiry date, status text,
                   version integer, head_hash character(64), on_hand jsonb,
                   warehouses text[], held jsonb, last_at timestamptz)
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode = force_generic_plan
    SET enable_seqscan = off
    SET enable_bitmapscan = off
    AS $$
    #variable_conflict use_column
    BEGIN
        RETURN QUERY
        SELECT 0::bigint AS i, b.batch_id, b.gtin, b.lot, b.expiry, b.status, b.version,
               b.head_hash, b.on_hand, b.warehouses, b.held, b.last_at
        FROM batches b WHERE b.batch_id = ANY($8)
        UNION ALL
        SELECT r.i, b.batch_id, b.gtin, b.lot, b.expiry, b.status, b.version,
               b.head_hash, b.on_hand, b.warehouses, b.held, b.last_at
        FROM unnest($1, $2, $3, $4, $5, $6, $7)
             WITH ORDINALITY AS r(gtin, warehouse, location, earliest, batch_id, lim,
                                  expiry, i)
        CROSS JOIN LATERAL (
            SELECT CASE WHEN r.batch_id IS NULL THEN 'infinity'::date
                   ELSE COALESCE((SELECT x.expiry FROM batches x
                                  WHERE x.batch_id = r.batch_id),
                                 r.expiry, '-infinity'::date) END AS before) e
        CROSS JOIN LATERAL (
            SELECT s.batch_id, s.expiry FROM stock_levels s
            WHERE s.gtin = r.gtin AND s.warehouse = r.warehouse
              AND s.status = 'available' AND s.pickable AND s.holding = 'available'
              AND s.expiry >= r.earliest
              AND (r.location IS NULL OR s.location = r.location)
              AND s.batch_id IS DISTINCT FROM r.batch_id
            ORDER BY s.expiry, s.lot LIMIT r.lim) c
        JOIN batches b ON b.batch_id = c.batch_id
        WHERE c.expiry < e.before;
    END $$;
    """)


def downgrade(schema: str) -> None:
    run_script(
        "DROP FUNCTION read_batches(text[], text[], text[], date[], text[], integer[], date[], "
        "text[]);"
    )
