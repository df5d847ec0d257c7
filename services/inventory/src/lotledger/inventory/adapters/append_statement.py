"""Everything a request writes, as one statement (one round trip): events (each with the
bytes the stock relay publishes, docs/adr/0014), batch states (checking the versions
read), the stock lines it changed or emptied, the stored responses of idempotency keys
and, for an offline sync with refusals, its sync conflicts.

Another writer of the same batch, or of the same idempotency key, makes it fail as a
whole (a unique violation, or `append_conflict` raising a serialization failure), so it
is safe without any lock held. Before anything else is written (the checks that count
them come first in the statement), the batches it updates are locked in batch-id order
(`lk`: the order of a sort, whatever plan Postgres picks to join the update, where a
hash join would go in the table's physical order), then those it creates are inserted in
batch-id order. The locking path (store_sql.LOCK) takes its batches in the same order
before its append creates any. So two writers of overlapping batches wait for each other
in one order, never in a cycle that only Postgres's deadlock timeout (a second) would
break. Idempotency keys are inserted in key order for the same reason. Parameters are
named (`:name`) and numbered in order of first appearance by `compile_named`. Only the
events are always in the statement; every other part (created and moved batches, emptied
and changed stock lines, sync conflicts, idempotency keys) is in it only when the
request writes something there, so Postgres plans nothing the request leaves empty
(`compiled`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from lotledger.inventory.adapters.batch_rows import STATE_PARAMS, state_columns
from lotledger.inventory.adapters.envelopes import SignedEvent
from lotledger.inventory.domain.batch import BatchState
from lotledger.shared.db import json_param
from lotledger.shared.idempotency import StoredResponse
from lotledger.shared.identifiers import warehouse_of

_EVENTS = """
ev AS (
    INSERT INTO events (event_id, stream_id, source, version, type, data, occurred_at, actor,
                        device, correlation_id, causation_id, recorded_time, prev_hash, hash,
                        payload, traceparent)
    SELECT * FROM unnest(:ev_id::uuid[], :ev_stream::text[], :ev_source::text[],
                         :ev_version::int[], :ev_type::text[], :ev_data::jsonb[],
                         :ev_time::timestamptz[], :ev_actor::text[], :ev_device::text[],
                         :ev_correlation::text[], :ev_causation::text[],
                         :ev_recorded::timestamptz[], :ev_prev::text[], :ev_hash::text[],
                         :ev_payload::bytea[], :ev_trace::text[])
    RETURNING 1)"""
_CREATED = """
cr AS (
    INSERT INTO batches (batch_id, gtin, lot, expiry, status, version, head_hash, on_hand,
                         warehouses, held, last_at, updated_at)
    SELECT u.batch_id, u.gtin, u.lot, u.expiry, u.status, u.version, u.head_hash, u.on_hand,
           ARRAY(SELECT jsonb_array_elements_text(u.warehouses)), u.held, u.last_at, :now
    FROM unnest(:c_id::text[], :c_gtin::text[], :c_lot::text[], :c_expiry::date[],
                :c_status::text[], :c_version::int[], :c_head::text[], :c_on_hand::jsonb[],
                :c_warehouses::jsonb[], :c_held::jsonb[], :c_last_at::timestamptz[])
         AS u(batch_id, gtin, lot, expiry, status, version, head_hash, on_hand, warehouses,
              held, last_at)
    ON CONFLICT (batch_id) DO NOTHING RETURNING 1)"""
_LOCKED = """
lk AS (
    SELECT b.batch_id FROM batches AS b WHERE b.batch_id = ANY(:u_id::text[])
    ORDER BY b.batch_id FOR NO KEY UPDATE OF b)"""
_UPDATED = """
up AS (
    UPDATE batches AS b SET status = u.status, version = u.version, head_hash = u.head_hash,
        on_hand = u.on_hand, updated_at = :now, held = u.held, last_at = u.last_at,
        tx = pg_current_xact_id(),
        warehouses = ARRAY(SELECT jsonb_array_elements_text(u.warehouses))
    FROM unnest(:u_id::text[], :u_gtin::text[], :u_lot::text[], :u_expiry::date[],
                :u_status::text[], :u_version::int[], :u_head::text[], :u_on_hand::jsonb[],
                :u_warehouses::jsonb[], :u_held::jsonb[], :u_last_at::timestamptz[],
                :u_expected::int[])
         AS u(batch_id, gtin, lot, expiry, status, version, head_hash, on_hand, warehouses,
              held, last_at, expected)
    WHERE b.batch_id = u.batch_id AND b.version = u.expected RETURNING 1)"""
_GONE = """
gone AS (
    DELETE FROM stock_levels s
    USING unnest(:gone_batch::text[], :gone_location::text[], :gone_holding::text[])
          AS g(b, l, h)
    WHERE s.batch_id = g.b AND s.location = g.l AND s.holding = g.h
    RETURNING 1)"""
_LEVELS = """
lv AS (
    INSERT INTO stock_levels (batch_id, location, holding, gtin, lot, warehouse, qty, expiry,
                              status, pickable)
    SELECT * FROM unnest(:lv_batch::text[], :lv_location::text[], :lv_holding::text[],
                         :lv_gtin::text[], :lv_lot::text[], :lv_warehouse::text[],
                         :lv_qty::int[], :lv_expiry::date[], :lv_status::text[],
                         :lv_pickable::bool[])
    ON CONFLICT (batch_id, location, holding) DO UPDATE SET qty = EXCLUDED.qty,
        expiry = EXCLUDED.expiry, status = EXCLUDED.status, pickable = EXCLUDED.pickable
    RETURNING 1)"""
_CONFLICTS = """
sc AS (
    INSERT INTO sync_conflicts (conflict_id, principal, client_op_id, op, operation, problem,
                                warehouses, gtin, lot, device, scanned_at, recorded_at)
    SELECT u.i, :principal, u.c, u.o, u.op, u.pr,
           ARRAY(SELECT jsonb_array_elements_text(u.w)), u.g, u.l, u.d, u.s, :now
    FROM unnest(:sc_id::uuid[], :sc_client_op::text[], :sc_op::text[],
                :sc_operation::jsonb[], :sc_problem::jsonb[], :sc_warehouses::jsonb[],
                :sc_gtin::text[], :sc_lot::text[], :sc_device::text[],
                :sc_scanned::timestamptz[]) AS u(i, c, o, op, pr, w, g, l, d, s)
    RETURNING 1),
sob AS (
    INSERT INTO outbox (topic, key, event_id, payload)
    SELECT :sync_topic, i::text, i, p FROM unnest(:sc_id::uuid[], :sc_payload::bytea[])
         AS x(i, p)
    RETURNING 1)"""
_KEYS = """
idem AS (
    INSERT INTO idempotency (principal, key, fingerprint, status, body)
    SELECT * FROM unnest(:idem_principal::text[], :idem_key::text[], :idem_fingerprint::text[],
                         :idem_status::int[], :idem_body::bytea[])
    ON CONFLICT DO NOTHING RETURNING 1)"""

_CHANGED = (
    "WHEN (SELECT count(*) FROM {cte}) <> :{n} "
    "THEN append_conflict('a batch changed since it was read')"
)


@dataclass(frozen=True)
class _Part:
    """An optional part of the append: its CTEs, those it adds to the count of rows
    written, and the check that fails the whole statement when it wrote too few."""

    ctes: str
    counted: tuple[str, ...] = ()
    check: str = ""


_PARTS: dict[str, _Part] = {
    "locked": _Part(_LOCKED, check=_CHANGED.format(cte="lk", n="updated")),
    "created": _Part(_CREATED, check=_CHANGED.format(cte="cr", n="created")),
    "updated": _Part(_UPDATED, check=_CHANGED.format(cte="up", n="updated")),
    "gone": _Part(_GONE, ("gone",)),
    "levels": _Part(_LEVELS, ("lv",)),
    "conflicts": _Part(_CONFLICTS, ("sc", "sob")),
    "keys": _Part(
        _KEYS,
        check="WHEN (SELECT count(*) FROM idem) <> cardinality(:idem_key::text[]) "
        "THEN append_conflict('an idempotency key was taken meanwhile')",
    ),
}

PARTS = tuple(_PARTS)


@functools.cache
def compiled(parts: frozenset[str]) -> tuple[str, tuple[str, ...]]:
    """The append for a request that writes `parts` (names of `_PARTS`). A part the request
    leaves empty is left out of the text: Postgres plans every CTE of a statement at every
    execution (`plan_cache_mode`, docs/adr/0014), and for a single POST planning the whole
    statement cost more than running it."""
    chosen = [part for name, part in _PARTS.items() if name in parts]
    ctes = ",".join([_EVENTS, *(p.ctes for p in chosen)])
    counted = ["ev", *(cte for p in chosen for cte in p.counted)]
    total = " + ".join(f"(SELECT count(*) FROM {cte})" for cte in counted)  # noqa: S608
    checks = " ".join(p.check for p in chosen if p.check)
    result = f"CASE {checks} ELSE {total} END" if checks else total
    return compile_named(f"WITH{ctes}\nSELECT {result} AS writes\n")


@dataclass(frozen=True)
class Level:
    """One stock line of a batch after the append: a holding (a batch absent from a
    location has none there)."""

    batch_id: str
    gtin: str
    lot: str
    location: str
    holding: str
    qty: int
    expiry: date
    status: str
    pickable: bool


LevelKey = tuple[str, str, str]
"""A stock line's key: (batch id, location, holding status)."""


@dataclass(frozen=True)
class ConflictRow:
    """A refused operation of an offline batch, kept (service/sync_records.py)."""

    conflict_id: UUID
    client_op_id: str
    op: str
    operation: dict[str, Any]
    problem: dict[str, Any]
    warehouses: list[str]
    gtin: str | None
    lot: str | None
    device: str | None
    scanned_at: datetime | None
    payload: bytes


@dataclass(frozen=True)
class Appended:
    envelopes: Sequence[SignedEvent]
    states: Sequence[BatchState]
    loaded_versions: Mapping[str, int]
    levels: Sequence[Level]
    """The stock lines the request changed (service/stock_lines.py)."""
    keys: Sequence[tuple[str, str, StoredResponse]]
    """Answers to remember: (principal, key, response)."""
    principal: str
    """Whose sync conflicts these are."""
    now: datetime
    conflicts: Sequence[ConflictRow] = ()
    sync_topic: str = ""
    gone: Sequence[LevelKey] = ()
    """The stock lines the request emptied."""


_NAME = re.compile(r"(?<!:):([a-z_]+)")


def compile_named(sql: str) -> tuple[str, tuple[str, ...]]:
    """`sql` with each `:name` replaced by `$n` (one number per name, in order of first
    appearance; `::type` casts are left alone) and the names in parameter order."""
    order: dict[str, int] = {}

    def number(match: re.Match[str]) -> str:
        return f"${order.setdefault(match.group(1), len(order) + 1)}"

    return _NAME.sub(number, sql), tuple(order)


def parts_of(a: Appended) -> frozenset[str]:
    """The optional parts of the append that `a` writes something in."""
    created = any(a.loaded_versions.get(s.batch_id, 0) == 0 for s in a.states)
    updated = any(a.loaded_versions.get(s.batch_id, 0) > 0 for s in a.states)
    written = {
        "locked": updated,
        "created": created,
        "updated": updated,
        "gone": bool(a.gone),
        "levels": bool(a.levels),
        "conflicts": bool(a.conflicts),
        "keys": bool(a.keys),
    }
    return frozenset(name for name, used in written.items() if used)


def append_statement(appended: Appended) -> tuple[str, list[object]]:
    """The statement for `appended` and its arguments, in order."""
    sql, names = compiled(parts_of(appended))
    values = _append_values(appended)
    missing = set(names) - set(values)
    if missing:
        raise KeyError(f"append parameters missing: {sorted(missing)}")
    return sql, [values[name] for name in names]


def _append_values(a: Appended) -> dict[str, object]:
    e, levels = a.envelopes, a.levels
    keys = sorted(a.keys, key=lambda k: (k[0], k[1]))
    states = sorted(a.states, key=lambda s: s.batch_id)
    created = [s for s in states if a.loaded_versions.get(s.batch_id, 0) == 0]
    updated = [s for s in states if a.loaded_versions.get(s.batch_id, 0) > 0]
    values: dict[str, object] = {
        "ev_id": [x.id for x in e],
        "ev_stream": [x.subject for x in e],
        "ev_source": [x.source for x in e],
        "ev_version": [x.streamversion for x in e],
        "ev_type": [x.type for x in e],
        "ev_data": [x.data_json for x in e],
        "ev_time": [x.time for x in e],
        "ev_actor": [x.actor for x in e],
        "ev_device": [x.device for x in e],
        "ev_correlation": [x.correlationid for x in e],
        "ev_causation": [x.causationid for x in e],
        "ev_recorded": [x.recordedtime for x in e],
        "ev_prev": [x.prevhash for x in e],
        "ev_hash": [x.hash for x in e],
        "ev_payload": [x.to_json() for x in e],
        "ev_trace": [x.traceparent for x in e],
        "now": a.now,
        "gone_batch": [b for b, _, _ in a.gone],
        "gone_location": [loc for _, loc, _ in a.gone],
        "gone_holding": [h for _, _, h in a.gone],
        "lv_batch": [v.batch_id for v in levels],
        "lv_location": [v.location for v in levels],
        "lv_holding": [v.holding for v in levels],
        "lv_gtin": [v.gtin for v in levels],
        "lv_lot": [v.lot for v in levels],
        "lv_warehouse": [warehouse_of(v.location) for v in levels],
        "lv_qty": [v.qty for v in levels],
        "lv_expiry": [v.expiry for v in levels],
        "lv_status": [v.status for v in levels],
        "lv_pickable": [v.pickable for v in levels],
        "principal": a.principal,
        "idem_principal": [p for p, _, _ in keys],
        "idem_key": [k for _, k, _ in keys],
        "idem_fingerprint": [r.fingerprint for _, _, r in keys],
        "idem_status": [r.status for _, _, r in keys],
        "idem_body": [r.body for _, _, r in keys],
        "created": len(created),
        "updated": len(updated),
        "u_expected": [a.loaded_versions[s.batch_id] for s in updated],
    }
    for prefix, group in (("c", created), ("u", updated)):
        for name, column in zip(STATE_PARAMS, state_columns(group), strict=True):
            values[f"{prefix}_{name}"] = column
    if a.conflicts:
        c = a.conflicts
        values |= {
            "sc_id": [x.conflict_id for x in c],
            "sc_client_op": [x.client_op_id for x in c],
            "sc_op": [x.op for x in c],
            "sc_operation": [json_param(x.operation) for x in c],
            "sc_problem": [json_param(x.problem) for x in c],
            "sc_warehouses": [json_param(x.warehouses) for x in c],
            "sc_gtin": [x.gtin for x in c],
            "sc_lot": [x.lot for x in c],
            "sc_device": [x.device for x in c],
            "sc_scanned": [x.scanned_at for x in c],
            "sc_payload": [x.payload for x in c],
            "sync_topic": a.sync_topic,
        }
    return values
