"""Everything a request writes, in one round trip: a call of `append_request`, the function
of migration `0015_append_plan`, whose text says what it writes and in which order, and
whose plan each session makes once. It writes events (each with the bytes the stock relay
publishes, docs/adr/0014), batch states (checking the versions read), the stock lines the
request changed or emptied, the stored responses of idempotency keys and, for an offline
sync with refusals, its sync conflicts.

When a batch it updates is no longer at the version read, it writes nothing and returns
`BATCH_CHANGED` (migration `0017_quiet_conflicts`: the optimistic path's ordinary outcome
under contention is not an error in Postgres's log). When a catalog record the request
decided on is no longer at the version read (a change committed after the request's
cache read it), it writes nothing and returns `CATALOG_CHANGED` (migration
`0018_catalog_versions`). Another writer that created the same
batch or took the same idempotency key makes it fail as a whole (a unique violation, or
`append_conflict` raising a serialization failure), so it is safe without any lock held.
Writers of overlapping batches wait for each other in one order, never in a cycle that
only Postgres's deadlock timeout (a second) would break: the function locks the batches it
updates in batch-id order before creating any, the locking path (store_sql.LOCK) takes its
batches in the same order before its append, and the batches, stock lines and keys are
passed sorted.
"""

from __future__ import annotations

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


BATCH_CHANGED = -1
"""What `append_request` returns, having written nothing, when a batch it updates is no
longer at the version read."""


class BatchChanged(Exception):
    """A batch the append updates changed since it was read; nothing was written."""


CATALOG_CHANGED = -2
"""What `append_request` returns, having written nothing, when a catalog record the
request decided on is no longer at the version read."""


class CatalogChanged(Exception):
    """The catalog changed a record the request decided on; nothing was written."""


CatalogRead = tuple[str, str, int]
"""A catalog record a request decided on: its kind (`product`, `location`, `warehouse`),
its key and the version read (0: the catalog did not have it)."""


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
    catalog: Sequence[CatalogRead] = ()
    """The catalog records the request decided on (checked against the committed ones)."""


PARAMETERS = (
    *(f"ev_{n}" for n in ("id", "stream", "source", "version", "type", "data", "time")),
    *(f"ev_{n}" for n in ("actor", "device", "correlation", "causation", "recorded")),
    *(f"ev_{n}" for n in ("prev", "hash", "payload", "trace")),
    "now",
    "created",
    *(f"c_{n}" for n in STATE_PARAMS),
    "updated",
    *(f"u_{n}" for n in STATE_PARAMS),
    "u_expected",
    *(f"gone_{n}" for n in ("batch", "location", "holding")),
    *(f"lv_{n}" for n in ("batch", "location", "holding", "gtin", "lot", "warehouse")),
    *(f"lv_{n}" for n in ("qty", "expiry", "status", "pickable")),
    "principal",
    "sync_topic",
    *(f"sc_{n}" for n in ("id", "client_op", "op", "operation", "problem", "warehouses")),
    *(f"sc_{n}" for n in ("gtin", "lot", "device", "scanned", "payload")),
    *(f"idem_{n}" for n in ("principal", "key", "fingerprint", "status", "body")),
    *(f"cat_{n}" for n in ("kind", "id", "version")),
)
"""The function's parameters, each `p_` + name, passed by name."""


def call(parameters: Sequence[str]) -> str:
    """The function's call with `parameters`, by name, as $1, $2…"""
    named = (f"p_{name} => ${i}" for i, name in enumerate(parameters, 1))
    return "SELECT append_request({})".format(", ".join(named))


APPEND = call(PARAMETERS)


def append_statement(appended: Appended) -> tuple[str, list[object]]:
    """The call for `appended` and its arguments, in order: NULL for every part the request
    does not write (the function skips it; asyncpg sends a NULL for nothing, an empty
    array for a header and a type)."""
    values = _append_values(appended)
    return APPEND, [values.get(name) for name in PARAMETERS]


def _append_values(a: Appended) -> dict[str, object]:
    e = a.envelopes
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
        "principal": a.principal,
        "created": len(created),
        "updated": len(updated),
    }
    for prefix, group in (("c", created), ("u", updated)):
        if group:
            for name, column in zip(STATE_PARAMS, state_columns(group), strict=True):
                values[f"{prefix}_{name}"] = column
    if updated:
        values["u_expected"] = [a.loaded_versions[s.batch_id] for s in updated]
    if a.gone:
        values |= _columns(("gone_batch", "gone_location", "gone_holding"), a.gone)
    if a.levels:
        levels = sorted(a.levels, key=lambda v: (v.batch_id, v.location, v.holding))
        values |= {
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
        }
    if a.catalog:
        values |= _columns(("cat_kind", "cat_id", "cat_version"), a.catalog)
    if a.keys:
        keys = sorted(a.keys, key=lambda k: (k[0], k[1]))
        values |= {
            "idem_principal": [p for p, _, _ in keys],
            "idem_key": [k for _, k, _ in keys],
            "idem_fingerprint": [r.fingerprint for _, _, r in keys],
            "idem_status": [r.status for _, _, r in keys],
            "idem_body": [r.body for _, _, r in keys],
        }
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


def _columns(names: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> dict[str, list[Any]]:
    """`rows` in order, one list per column, named `names`."""
    ordered = sorted(rows)
    return {name: [row[i] for row in ordered] for i, name in enumerate(names)}
