"""Response models of the verifiable log (checkpoints, keys, proofs, audits)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from lotledger.inventory.adapters.log_store import Checkpoint
from lotledger.inventory.service.proofs import StreamVerdict


class CheckpointView(BaseModel):
    id: int
    tree_size: int
    root: str
    streams: int
    offsets: dict[str, int]
    heads_digest: str
    created_at: datetime
    key_id: str
    payload: str = Field(description="the signed statement: canonical JSON, verbatim")
    signature: str = Field(description="Ed25519 over `payload`, base64")


def checkpoint_view(c: Checkpoint) -> CheckpointView:
    return CheckpointView(
        id=c.id,
        tree_size=c.tree_size,
        root=c.root,
        streams=c.streams,
        offsets={str(p): o for p, o in sorted(c.offsets.items())},
        heads_digest=c.heads_digest,
        created_at=c.created_at,
        key_id=c.key_id,
        payload=c.payload,
        signature=c.signature,
    )


class KeyView(BaseModel):
    key_id: str
    algorithm: str = "Ed25519"
    public_key: str = Field(description="the 32 raw bytes, base64")
    pem: str
    first_used_at: datetime | None
    trusted: bool = Field(description="whether this service trusts the key (configuration)")


class ProofView(BaseModel):
    """Everything needed to check one logged version of a batch with only the public key:
    the leaf, its RFC 6962 audit path, and the signed checkpoint."""

    batch_id: str
    version: int
    hash: str
    leaf_index: int
    tree_size: int
    inclusion: list[str] = Field(description="audit path, hex, bottom first")
    checkpoint: CheckpointView


class TreeHead(BaseModel):
    checkpoint: int
    tree_size: int
    root: str


class ConsistencyView(BaseModel):
    first: TreeHead
    second: TreeHead
    proof: list[str] = Field(description="RFC 6962 consistency proof, hex")


class BrokenView(BaseModel):
    batch_id: str
    version: int
    reason: str


class AuditView(BaseModel):
    checkpoint_id: int
    tree_size: int
    ok: bool
    signature_valid: bool
    signature_problem: str | None
    root_matches: bool
    leaves_checked: int
    events_checked: int
    broken: list[BrokenView]
    broken_elsewhere: int = Field(
        description="broken batches outside the token's warehouses (not named)"
    )


class LogVerdictView(BaseModel):
    """How the stored events compare with what was published and signed."""

    checkpoint_id: int | None
    logged_version: int | None
    matches: bool | None
    first_mismatch_version: int | None
    reason: str | None


def verdict_view(v: StreamVerdict) -> LogVerdictView:
    return LogVerdictView(
        checkpoint_id=v.checkpoint_id,
        logged_version=v.logged_version,
        matches=v.matches,
        first_mismatch_version=v.first_mismatch_version,
        reason=v.reason,
    )
