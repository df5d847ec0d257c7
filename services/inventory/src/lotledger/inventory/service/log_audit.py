"""Auditing a checkpoint against the whole store: the signature, the root rebuilt from
the stored leaves, and every stored event re-hashed from its content and compared with
the hash the log holds for its version."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from lotledger.inventory.adapters.log_store import Checkpoint, LogAudit
from lotledger.inventory.adapters.stored_events import stored_envelope
from lotledger.inventory.service.proofs import signature_problem
from lotledger.verify.chain import content_hashes
from lotledger.verify.merkle import Frontier


@dataclass(frozen=True)
class Broken:
    stream_id: str
    version: int
    reason: str


@dataclass(frozen=True)
class Audit:
    checkpoint: Checkpoint
    signature_problem: str | None
    root_matches: bool
    leaves_checked: int
    events_checked: int
    broken: list[Broken] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.signature_problem is None and self.root_matches and not self.broken


async def audit_checkpoint(
    audit: LogAudit, checkpoint: Checkpoint, trusted: Mapping[str, bytes], limit: int = 1000
) -> Audit:
    """The first broken version of each batch (up to `limit` batches), in batch order."""
    frontier = Frontier()
    async for leaf in audit.leaves(checkpoint.tree_size):
        frontier.append(leaf.leaf_hash)
    root_matches = (
        frontier.size == checkpoint.tree_size and frontier.root().hex() == checkpoint.root
    )
    broken: dict[str, Broken] = {}
    events_checked = 0
    async for stream, rows, logged in audit.streams(checkpoint.tree_size):
        events_checked += len(rows)
        hashes = content_hashes([stored_envelope(r) for r in rows])
        for position, row in enumerate(rows, start=1):
            if row["version"] != position:
                broken[stream] = Broken(stream, position, "this version is missing from the store")
                break
            if position in logged and hashes[position - 1] != logged[position]:
                broken[stream] = Broken(
                    stream, position, "the stored event differs from the one published and signed"
                )
                break
        if len(broken) >= limit:
            break
    for leaf in await audit.unstored(checkpoint.tree_size, limit):
        if leaf.stream_id not in broken or broken[leaf.stream_id].version > leaf.version:
            broken[leaf.stream_id] = Broken(
                leaf.stream_id, leaf.version, "this version is missing from the store"
            )
    return Audit(
        checkpoint=checkpoint,
        signature_problem=signature_problem(checkpoint, trusted),
        root_matches=root_matches,
        leaves_checked=frontier.size,
        events_checked=events_checked,
        broken=[broken[s] for s in sorted(broken)][:limit],
    )
