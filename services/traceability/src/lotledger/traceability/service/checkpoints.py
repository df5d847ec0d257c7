"""A checkpoint statement as received: trusted only when a configured key signed it and
its heads are the ones it digests (a forged statement is kept, marked, never used)."""

from __future__ import annotations

from collections.abc import Mapping

from lotledger.shared.contracts.checkpoints import CheckpointSigned
from lotledger.traceability.adapters.checkpoint_store import ReceivedCheckpoint
from lotledger.verify.statement import Statement, check_signature, heads_digest


def received(signed: CheckpointSigned, trusted: Mapping[str, bytes]) -> ReceivedCheckpoint:
    statement = Statement.from_dict(signed.statement.model_dump(mode="json"))
    heads = [(s, v, h) for s, v, h in signed.heads]
    problem = check_signature(statement, signed.signature, trusted)
    if problem is None and heads_digest(heads) != statement.heads_digest:
        problem = "its heads are not the ones it signed"
    return ReceivedCheckpoint(
        id=statement.checkpoint,
        tree_size=statement.tree_size,
        root=statement.root,
        key_id=statement.key_id,
        created_at=statement.created_at,
        problem=problem,
        heads=heads,
    )
