"""Signed checkpoints for regulators: fetch one now, verify it later (DESIGN §4.6)."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel

from lotledger.inventory.adapters.checkpoints import Checkpoint, CheckpointStore
from lotledger.inventory.adapters.unit_of_work import driver_connection
from lotledger.inventory.entrypoints.api.dependencies import RuntimeDep
from lotledger.inventory.service.checkpoints import verify_checkpoint
from lotledger.shared.errors import NotFound
from lotledger.shared.web.security import Caller

MAX_ID = 2**62
CheckpointId = Annotated[int, Path(ge=1, le=MAX_ID)]
router = APIRouter(prefix="/v1/checkpoints", tags=["tamper evidence"])


class CheckpointView(BaseModel):
    id: int
    position: int
    streams: int
    root: str
    created_at: datetime
    key_id: str
    payload: str
    signature: str


class PublicKey(BaseModel):
    algorithm: str
    key_id: str
    raw_base64: str
    pem: str


class VerificationView(BaseModel):
    checkpoint_id: int
    position: int
    ok: bool
    signature_valid: bool
    root_matches: bool
    streams_checked: int
    events_checked: int
    broken_stream: str | None
    broken_version: int | None
    reason: str | None


def _view(checkpoint: Checkpoint) -> CheckpointView:
    return CheckpointView(**checkpoint.__dict__)


async def _get(rt: RuntimeDep, checkpoint_id: int | None) -> Checkpoint:
    async with driver_connection(rt.engine) as conn:
        store = CheckpointStore(conn)
        found = await (store.latest() if checkpoint_id is None else store.get(checkpoint_id))
    if found is None:
        raise NotFound(f"checkpoint {checkpoint_id or 'latest'} does not exist")
    return found


@router.get("/public-key", response_model=PublicKey, summary="The key checkpoints are signed with")
async def public_key(rt: RuntimeDep, who: Caller) -> PublicKey:
    return PublicKey(
        algorithm="Ed25519",
        key_id=rt.signer.key_id,
        raw_base64=base64.b64encode(rt.signer.public_raw).decode(),
        pem=rt.signer.public_pem,
    )


@router.get("", response_model=list[CheckpointView], summary="Checkpoints, newest first")
async def list_checkpoints(
    rt: RuntimeDep,
    who: Caller,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    before: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> list[Any]:
    async with driver_connection(rt.engine) as conn:
        return [_view(c) for c in await CheckpointStore(conn).page(limit, before)]


@router.get("/latest", response_model=CheckpointView)
async def latest(rt: RuntimeDep, who: Caller) -> CheckpointView:
    return _view(await _get(rt, None))


@router.get("/{checkpoint_id}", response_model=CheckpointView)
async def get_checkpoint(
    checkpoint_id: CheckpointId, rt: RuntimeDep, who: Caller
) -> CheckpointView:
    return _view(await _get(rt, checkpoint_id))


@router.get(
    "/{checkpoint_id}/verify",
    response_model=VerificationView,
    summary="Re-hash every event up to the checkpoint; check root and signature",
)
async def verify(checkpoint_id: CheckpointId, rt: RuntimeDep, who: Caller) -> VerificationView:
    checkpoint = await _get(rt, checkpoint_id)
    async with driver_connection(rt.engine) as conn:
        result = await verify_checkpoint(CheckpointStore(conn), checkpoint, rt.signer.public_raw)
    return VerificationView(**result.as_dict())
