"""Signed checkpoints of the published stock log (DESIGN §10): list, fetch, keys,
consistency proofs, and a whole-store audit."""

from __future__ import annotations

import base64
from typing import Annotated

from fastapi import APIRouter, Path, Query

from lotledger.inventory.adapters.log_store import Checkpoint, LogAudit, LogStore
from lotledger.inventory.adapters.signing import public_pem
from lotledger.inventory.adapters.unit_of_work import driver_connection
from lotledger.inventory.entrypoints.api.dependencies import RuntimeDep
from lotledger.inventory.entrypoints.api.log_views import (
    AuditView,
    BrokenView,
    CheckpointView,
    ConsistencyView,
    KeyView,
    TreeHead,
    checkpoint_view,
)
from lotledger.inventory.service.log_audit import audit_checkpoint
from lotledger.inventory.service.proofs import consistency
from lotledger.shared.errors import NotFound
from lotledger.shared.web.security import Caller

MAX_ID = 2**62
CheckpointId = Annotated[int, Path(ge=1, le=MAX_ID)]
router = APIRouter(prefix="/v1/checkpoints", tags=["tamper evidence"])


async def _get(store: LogStore, checkpoint_id: int | None) -> Checkpoint:
    found = await (store.latest() if checkpoint_id is None else store.get(checkpoint_id))
    if found is None:
        raise NotFound(f"checkpoint {checkpoint_id or 'latest'} does not exist")
    return found


@router.get("/keys", response_model=list[KeyView], summary="Every key that signed a checkpoint")
async def keys(rt: RuntimeDep, who: Caller) -> list[KeyView]:
    async with driver_connection(rt.engine) as conn:
        stored = await LogStore(conn).keys()
    return [
        KeyView(
            key_id=key_id,
            public_key=public,
            pem=public_pem(base64.b64decode(public)),
            first_used_at=first_used,
            trusted=key_id in rt.trusted_keys,
        )
        for key_id, public, first_used in stored
    ]


@router.get("/public-key", response_model=KeyView, summary="The key of the latest checkpoint")
async def public_key(rt: RuntimeDep, who: Caller) -> KeyView:
    async with driver_connection(rt.engine) as conn:
        store = LogStore(conn)
        latest = await _get(store, None)
        stored = {k: (public, first) for k, public, first in await store.keys()}
    public, first_used = stored[latest.key_id]
    return KeyView(
        key_id=latest.key_id,
        public_key=public,
        pem=public_pem(base64.b64decode(public)),
        first_used_at=first_used,
        trusted=latest.key_id in rt.trusted_keys,
    )


@router.get("", response_model=list[CheckpointView], summary="Checkpoints, newest first")
async def list_checkpoints(
    rt: RuntimeDep,
    who: Caller,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    before: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> list[CheckpointView]:
    async with driver_connection(rt.engine) as conn:
        return [checkpoint_view(c) for c in await LogStore(conn).page(limit, before)]


@router.get("/latest", response_model=CheckpointView)
async def latest(rt: RuntimeDep, who: Caller) -> CheckpointView:
    async with driver_connection(rt.engine) as conn:
        return checkpoint_view(await _get(LogStore(conn), None))


@router.get("/{checkpoint_id}", response_model=CheckpointView)
async def get_checkpoint(
    checkpoint_id: CheckpointId, rt: RuntimeDep, who: Caller
) -> CheckpointView:
    async with driver_connection(rt.engine) as conn:
        return checkpoint_view(await _get(LogStore(conn), checkpoint_id))


@router.get(
    "/{checkpoint_id}/consistency",
    response_model=ConsistencyView,
    summary="Proof that an earlier checkpoint's log is a prefix of this one's (RFC 6962)",
)
async def consistency_proof(
    checkpoint_id: CheckpointId,
    rt: RuntimeDep,
    who: Caller,
    first: Annotated[int, Query(alias="from", ge=1, le=MAX_ID)],
) -> ConsistencyView:
    async with driver_connection(rt.engine) as conn:
        store = LogStore(conn)
        older, newer = await _get(store, first), await _get(store, checkpoint_id)
        if older.tree_size > newer.tree_size:
            raise NotFound(f"checkpoint {first} is not earlier than {checkpoint_id}", field="from")
        proof = await consistency(store, older.tree_size, newer.tree_size)
    return ConsistencyView(
        first=TreeHead(checkpoint=older.id, tree_size=older.tree_size, root=older.root),
        second=TreeHead(checkpoint=newer.id, tree_size=newer.tree_size, root=newer.root),
        proof=[p.hex() for p in proof],
    )


@router.get(
    "/{checkpoint_id}/verify",
    response_model=AuditView,
    summary="Audit: signature, the root rebuilt from the log, every stored event re-hashed",
)
async def verify(checkpoint_id: CheckpointId, rt: RuntimeDep, who: Caller) -> AuditView:
    async with driver_connection(rt.engine) as conn:
        checkpoint = await _get(LogStore(conn), checkpoint_id)
        audit = await audit_checkpoint(LogAudit(conn), checkpoint, rt.trusted_keys)
    scopes = await rt.queries.warehouses_of([b.stream_id for b in audit.broken])
    visible = [
        b
        for b in audit.broken
        if who.all_warehouses or any(who.may_access(w) for w in scopes.get(b.stream_id, []))
    ]
    return AuditView(
        checkpoint_id=checkpoint.id,
        tree_size=checkpoint.tree_size,
        ok=audit.ok,
        signature_valid=audit.signature_problem is None,
        signature_problem=audit.signature_problem,
        root_matches=audit.root_matches,
        leaves_checked=audit.leaves_checked,
        events_checked=audit.events_checked,
        broken=[
            BrokenView(batch_id=b.stream_id, version=b.version, reason=b.reason) for b in visible
        ],
        broken_elsewhere=len(audit.broken) - len(visible),
    )
