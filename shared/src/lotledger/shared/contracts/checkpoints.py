"""Signed checkpoints of the stock log, topic `lotledger.checkpoints.v1` (one partition,
key = the log's name, retained forever). The statement's bytes, the leaf encoding and
the tree are defined in `lotledger.verify.statement`; a verifier needs only this topic,
the stock topic and the public key (docs/adr/0008-verifiable-log.md)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from lotledger.shared.contracts.common import Payload
from lotledger.verify.statement import CHECKPOINT_TYPE

SIGNED = CHECKPOINT_TYPE


class PreviousCheckpoint(Payload):
    checkpoint: int
    tree_size: int
    root: str


class StatementData(Payload):
    log: str = Field(description="the log's name (one per stock topic)")
    checkpoint: int = Field(ge=1, description="1, 2, 3 … with no gaps")
    tree_size: int = Field(ge=1, description="leaves in the tree so far")
    root: str = Field(pattern=r"^[0-9a-f]{64}$", description="RFC 6962 root, hex")
    streams: int = Field(ge=1, description="batches with at least one leaf")
    offsets: dict[str, int] = Field(
        description="per stock-topic partition, the first offset not covered"
    )
    heads_digest: str = Field(pattern=r"^[0-9a-f]{64}$")
    created_at: str
    key_id: str = Field(pattern=r"^[0-9a-f]{16}$")
    previous: PreviousCheckpoint | None = None


class CheckpointSigned(Payload):
    statement: StatementData
    signature: str = Field(description="Ed25519 over the canonical statement, base64")
    heads: list[tuple[str, int, str]] = Field(
        description="(batch id, version, hash) of the last leaf of each batch this "
        "checkpoint added, sorted by batch id; digested into the statement"
    )

    def as_data(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)


EVENT_TYPES: dict[str, type[Payload]] = {SIGNED: CheckpointSigned}
