"""The append as a function whose plan is made once per session (docs/adr/0014, tenth
amendment), as the read's is (`0014_read_plan`).

Planned at every execution as a statement (`plan_cache_mode = force_custom_plan` on every
connection), the append cost Postgres 0.17–0.33 ms to plan and 0.32–0.79 ms to run: a
fifth of Postgres's time in a run of single POSTs went to planning it. A statement held
only the parts a request wrote (64 texts), so that nothing empty was planned; planned once
per session, the function holds every part as a statement of its own, run only when the
request writes something there (its arrays are NULL otherwise): a part left empty costs
nothing, and the outbox's statement trigger, which wakes its relay, fires only for a
request that keeps sync conflicts (it fires for an INSERT of no rows). Joins are nested
loops over the request's arrays with index lookups (sequential and bitmap scans, hash
and merge joins off), so a plan made while the tables were small does not scan them
whole once they have grown.

What it writes, in one transaction (the call's), in this order: the batches the request
updates, locked in batch-id order (the order of a sort, whatever the plan);
the batches it creates, in batch-id order; those it updates, each checked against the
version read; then the events (each with the bytes the stock relay publishes), the stock
lines it changed or emptied, sync conflicts with their outbox rows, and
the stored responses of idempotency keys. Another writer of the same batch or key makes
it fail as a whole: a unique violation, or `append_conflict` raising a serialization
failure. It returns how many rows it wrote.

The text is the append's at this revision (`adapters/append_statement.py` passes the
arguments by name); a change to it is a new revision.

Revision ID: 0015_append_plan
Revises: 0014_read_plan
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from lotledger.shared.migrations import run_script

revision: str = "0015_append_plan"
down_revision: str | None = "0014_read_plan"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SIGNATURE = """append_request(
    p_ev_id uuid[], p_ev_stream text[], p_ev_source text[], p_ev_version integer[],
    p_ev_type text[], p_ev_data jsonb[], p_ev_time timestamptz[], p_ev_actor text[],
    p_ev_device text[], p_ev_correlation text[], p_ev_causation text[],
    p_ev_recorded timestamptz[], p_ev_prev text[], p_ev_hash text[], p_ev_payload bytea[],
    p_ev_trace text[],
    p_now timestamptz,
    p_created integer, p_c_id text[], p_c_gtin text[], p_c_lot text[], p_c_expiry date[],
    p_c_status text[], p_c_version integer[], p_c_head text[], p_c_on_hand jsonb[],
    p_c_warehouses jsonb[], p_c_held jsonb[], p_c_last_at timestamptz[],
    p_updated integer, p_u_id text[], p_u_gtin text[], p_u_lot text[], p_u_expiry date[],
    p_u_status text[], p_u_version integer[], p_u_head text[], p_u_on_hand jsonb[],
    p_u_warehouses jsonb[], p_u_held jsonb[], p_u_last_at timestamptz[],
    p_u_expected integer[],
    p_gone_batch text[], p_gone_location text[], p_gone_holding text[],
    p_lv_batch text[], p_lv_location text[], p_lv_holding text[], p_lv_gtin text[],
    p_lv_lot text[], p_lv_warehouse text[], p_lv_qty integer[], p_lv_expiry date[],
    p_lv_status text[], p_lv_pickable boolean[],
    p_principal text, p_sync_topic text, p_sc_id uuid[], p_sc_client_op text[],
    p_sc_op text[], p_sc_operation jsonb[], p_sc_problem jsonb[], p_sc_warehouses jsonb[],
    p_sc_gtin text[], p_sc_lot text[], p_sc_device text[], p_sc_scanned timestamptz[],
    p_sc_payload bytea[],
    p_idem_principal text[], p_idem_key text[], p_idem_fingerprint text[],
    p_idem_status integer[], p_idem_body bytea[])"""


LOCK_UPDATED = """
        IF p_updated > 0 THEN
            PERFORM FROM batches AS b WHERE b.batch_id = ANY(p_u_id)
            ORDER BY b.batch_id FOR NO KEY UPDATE OF b;
            GET DIAGNOSTICS n = ROW_COUNT;
            IF n <> p_updated THEN
                PERFORM append_conflict('a batch changed since it was read');
            END IF;
        END IF;"""
"""Locks the batches the request updates, in batch-id order (a later revision replaces it)."""


def definition(lock_updated: str, create: str = "CREATE", signature: str = SIGNATURE) -> str:
    """The function's text with `lock_updated` as its first part (and `signature`)."""
    return f"""
    {create} FUNCTION {signature}
    RETURNS bigint
    LANGUAGE plpgsql
    SET plan_cache_mode = force_generic_plan
    SET enable_seqscan = off
    SET enable_bitmapscan = off
    SET enable_hashjoin = off
    SET enable_mergejoin = off
    AS $$
    DECLARE
        n bigint;
        writes bigint;
    BEGIN{lock_updated}
        IF p_created > 0 THEN
            INSERT INTO batches (batch_id, gtin, lot, expiry, status, version, head_hash,
                                 on_hand, warehouses, held, last_at, updated_at)
            SELECT u.batch_id, u.gtin, u.lot, u.expiry, u.status, u.version, u.head_hash,
                   u.on_hand, ARRAY(SELECT jsonb_array_elements_text(u.warehouses)), u.held,
                   u.last_at, p_now
            FROM unnest(p_c_id, p_c_gtin, p_c_lot, p_c_expiry, p_c_status, p_c_version,
                        p_c_head, p_c_on_hand, p_c_warehouses, p_c_held, p_c_last_at)
                 AS u(batch_id, gtin, lot, expiry, status, version, head_hash, on_hand,
                      warehouses, held, last_at)
            ON CONFLICT (batch_id) DO NOTHING;
            GET DIAGNOSTICS n = ROW_COUNT;
            IF n <> p_created THEN
                PERFORM append_conflict('a batch changed since it was read');
            END IF;
        END IF;
        IF p_updated > 0 THEN
            UPDATE batches AS b SET status = u.status, version = u.version,
                head_hash = u.head_hash, on_hand = u.on_hand, updated_at = p_now,
                held = u.held, last_at = u.last_at, tx = pg_current_xact_id(),
                warehouses = ARRAY(SELECT jsonb_array_elements_text(u.warehouses))
            FROM unnest(p_u_id, p_u_gtin, p_u_lot, p_u_expiry, p_u_status, p_u_version,
                        p_u_head, p_u_on_hand, p_u_warehouses, p_u_held, p_u_last_at,
                        p_u_expected)
                 AS u(batch_id, gtin, lot, expiry, status, version, head_hash, on_hand,
                      warehouses, held, last_at, expected)
            WHERE b.batch_id = u.batch_id AND b.version = u.expected;
            GET DIAGNOSTICS n = ROW_COUNT;
            IF n <> p_updated THEN
                PERFORM append_conflict('a batch changed since it was read');
            END IF;
        END IF;
        INSERT INTO events (event_id, stream_id, source, version, type, data, occurred_at,
                            actor, device, correlation_id, causation_id, recorded_time,
                            prev_hash, hash, payload, traceparent)
        SELECT * FROM unnest(p_ev_id, p_ev_stream, p_ev_source, p_ev_version, p_ev_type,
                             p_ev_data, p_ev_time, p_ev_actor, p_ev_device, p_ev_correlation,
                             p_ev_causation, p_ev_recorded, p_ev_prev, p_ev_hash,
                             p_ev_payload, p_ev_trace);
        GET DIAGNOSTICS writes = ROW_COUNT;
        IF cardinality(p_gone_batch) > 0 THEN
            DELETE FROM stock_levels s
            USING unnest(p_gone_batch, p_gone_location, p_gone_holding) AS g(b, l, h)
            WHERE s.batch_id = g.b AND s.location = g.l AND s.holding = g.h;
            GET DIAGNOSTICS n = ROW_COUNT;
            writes := writes + n;
        END IF;
        IF cardinality(p_lv_batch) > 0 THEN
            INSERT INTO stock_levels (batch_id, location, holding, gtin, lot, warehouse, qty,
                                      expiry, status, pickable)
            SELECT * FROM unnest(p_lv_batch, p_lv_location, p_lv_holding, p_lv_gtin,
                                 p_lv_lot, p_lv_warehouse, p_lv_qty, p_lv_expiry,
                                 p_lv_status, p_lv_pickable)
            ON CONFLICT (batch_id, location, holding) DO UPDATE SET qty = EXCLUDED.qty,
                expiry = EXCLUDED.expiry, status = EXCLUDED.status,
                pickable = EXCLUDED.pickable;
            GET DIAGNOSTICS n = ROW_COUNT;
            writes := writes + n;
        END IF;
        IF cardinality(p_sc_id) > 0 THEN
            INSERT INTO sync_conflicts (conflict_id, principal, client_op_id, op, operation,
                                        problem, warehouses, gtin, lot, device, scanned_at,
                                        recorded_at)
            SELECT u.i, p_principal, u.c, u.o, u.op, u.pr,
                   ARRAY(SELECT jsonb_array_elements_text(u.w)), u.g, u.l, u.d, u.s, p_now
            FROM unnest(p_sc_id, p_sc_client_op, p_sc_op, p_sc_operation, p_sc_problem,
                        p_sc_warehouses, p_sc_gtin, p_sc_lot, p_sc_device, p_sc_scanned)
                 AS u(i, c, o, op, pr, w, g, l, d, s);
            INSERT INTO outbox (topic, key, event_id, payload)
            SELECT p_sync_topic, x.i::text, x.i, x.p
            FROM unnest(p_sc_id, p_sc_payload) AS x(i, p);
            writes := writes + 2 * cardinality(p_sc_id);
        END IF;
        IF cardinality(p_idem_key) > 0 THEN
            INSERT INTO idempotency (principal, key, fingerprint, status, body)
            SELECT * FROM unnest(p_idem_principal, p_idem_key, p_idem_fingerprint,
                                 p_idem_status, p_idem_body)
            ON CONFLICT DO NOTHING;
            GET DIAGNOSTICS n = ROW_COUNT;
            IF n <> cardinality(p_idem_key) THEN
                PERFORM append_conflict('an idempotency key was taken meanwhile');
            END IF;
        END IF;
        RETURN writes;
    END $$;
    """  # noqa: S608 (constants only)


def upgrade(schema: str) -> None:
    run_script(definition(LOCK_UPDATED))


def downgrade(schema: str) -> None:
    run_script(f"DROP FUNCTION {SIGNATURE};")
