"""Proofs from the stored log, and the verdict on a batch's stored events.

Nothing here trusts the log tables: every leaf used is proven against a checkpoint root
whose signature verifies with a trusted key, so a rewritten leaf or node shows up as a
failed proof, never as a false "matches"."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lotledger.inventory.adapters.log_store import Checkpoint, Leaf, LogStore
from lotledger.verify.chain import content_hashes
from lotledger.verify.merkle import (
    consistency_ranges,
    inclusion_ranges,
    perfect_nodes,
    proof_from,
    verify_inclusion,
)
from lotledger.verify.statement import Statement, check_signature


@dataclass(frozen=True)
class Inclusion:
    leaf: Leaf
    tree_size: int
    proof: list[bytes]


async def inclusion(store: LogStore, leaf: Leaf, tree_size: int) -> Inclusion:
    ranges = inclusion_ranges(leaf.index, tree_size)
    nodes = await store.nodes(perfect_nodes(ranges))
    return Inclusion(leaf, tree_size, proof_from(ranges, nodes))


async def consistency(store: LogStore, old_size: int, new_size: int) -> list[bytes]:
    if old_size == new_size:
        return []
    ranges = consistency_ranges(old_size, new_size)
    return proof_from(ranges, await store.nodes(perfect_nodes(ranges)))


def signature_problem(checkpoint: Checkpoint, trusted: Mapping[str, bytes]) -> str | None:
    statement = Statement.from_dict(_payload(checkpoint))
    if statement.root != checkpoint.root or statement.tree_size != checkpoint.tree_size:
        return "the stored checkpoint differs from the statement it signed"
    return check_signature(statement, checkpoint.signature, trusted)


def _payload(checkpoint: Checkpoint) -> dict[str, Any]:
    import orjson

    body = orjson.loads(checkpoint.payload)
    assert isinstance(body, dict)
    return body


@dataclass(frozen=True)
class StreamVerdict:
    """How a batch's stored events compare with a signed checkpoint."""

    checkpoint_id: int | None
    logged_version: int | None
    """The highest version of the batch the checkpoint covers (None: not covered yet)."""
    matches: bool | None
    first_mismatch_version: int | None = None
    reason: str | None = None


async def stream_verdict(
    store: LogStore,
    checkpoint: Checkpoint | None,
    trusted: Mapping[str, bytes],
    stream_id: str,
    events: Sequence[Mapping[str, Any]],
) -> StreamVerdict:
    """Recompute the batch's chain from the stored content alone and compare it with the
    hashes the checkpoint logged. The first version that differs is found by binary
    search over proven leaves: the chain makes every version after an alteration differ
    too, and every version before it match."""
    if checkpoint is None:
        return StreamVerdict(None, None, None, reason="no checkpoint has been signed yet")
    problem = signature_problem(checkpoint, trusted)
    if problem:
        return StreamVerdict(checkpoint.id, None, False, reason=problem)
    leaves = {x.version: x for x in await store.stream_leaves(stream_id, checkpoint.tree_size)}
    if not leaves:
        return StreamVerdict(checkpoint.id, None, None, reason="not covered by this checkpoint")
    head = max(leaves)
    recomputed = content_hashes(events)
    root = bytes.fromhex(checkpoint.root)

    async def agrees(version: int) -> bool:
        leaf = leaves.get(version)
        if leaf is None:
            raise _Unproven(version, "the log lacks this version of the batch")
        proven = await inclusion(store, leaf, checkpoint.tree_size)
        if not verify_inclusion(leaf.index, proven.tree_size, leaf.leaf_hash, proven.proof, root):
            raise _Unproven(version, "the log's proof for this version does not verify")
        return version <= len(recomputed) and recomputed[version - 1] == leaf.hash

    try:
        if await agrees(head):
            return StreamVerdict(checkpoint.id, head, True)
        low, high = 1, head
        while low < high:
            middle = (low + high) // 2
            if await agrees(middle):
                low = middle + 1
            else:
                high = middle
    except _Unproven as unproven:
        return StreamVerdict(
            checkpoint.id, head, False, unproven.version, f"log altered: {unproven.reason}"
        )
    reason = (
        "events from this version on are missing from the store"
        if low > len(recomputed)
        else "the stored event differs from the one published and signed"
    )
    return StreamVerdict(checkpoint.id, head, False, low, reason)


class _Unproven(Exception):
    def __init__(self, version: int, reason: str) -> None:
        super().__init__(reason)
        self.version = version
        self.reason = reason
