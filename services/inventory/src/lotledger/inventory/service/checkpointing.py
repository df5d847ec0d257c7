"""Taking a checkpoint: append what the stock topic received since the last one to the
Merkle log, compare it with the event store, sign, and publish the statement.

Leaves come from the stock topic, not from the event store, so a checkpoint commits to
what every consumer received: an event rewritten in the store after it was published is
exposed by the next comparison, whoever holds the database. The statement goes out
through the outbox in the same transaction as the log rows (no dual write)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import NAMESPACE_URL, UUID, uuid5

from lotledger.inventory.adapters.log_store import (
    Checkpoint,
    Divergence,
    Leaf,
    LogStore,
    NewCheckpoint,
)
from lotledger.inventory.adapters.signing import Signer
from lotledger.inventory.adapters.stock_source import Record
from lotledger.shared.contracts.checkpoints import SIGNED, CheckpointSigned, StatementData
from lotledger.shared.envelope import CloudEvent, format_time
from lotledger.verify.statement import Statement, heads_digest, heads_of


class StockSource(Protocol):
    async def read(
        self, since: Mapping[int, int], per_partition: int
    ) -> tuple[list[Record], dict[int, int]]: ...


@dataclass(frozen=True)
class LogConfig:
    log: str
    """The log's name: the stock topic it covers."""
    topic: str
    """Where signed statements are published."""
    max_leaves: int
    partitions: int


async def take_checkpoint(
    store: LogStore, source: StockSource, signer: Signer, config: LogConfig, now: datetime
) -> Checkpoint | None:
    """The next checkpoint, or None when the stock topic holds nothing new. Single
    writer: the caller holds the checkpointer's lock (a second writer would collide on
    the checkpoint number and roll back)."""
    latest = await store.latest()
    per_partition = max(1, config.max_leaves // max(1, config.partitions))
    records, offsets = await source.read(latest.offsets if latest else {}, per_partition)
    heads = [r for r in records if r.head is not None]
    if not heads:
        return None
    size = latest.tree_size if latest else 0
    frontier = await store.frontier(size)
    leaves: list[Leaf] = []
    nodes: list[tuple[int, int, bytes]] = []
    for i, record in enumerate(heads):
        assert record.head is not None
        stream, version, event_hash = record.head
        leaf = Leaf(size + i, stream, version, event_hash, record.partition, record.offset)
        leaves.append(leaf)
        nodes.extend(frontier.append(leaf.leaf_hash))
    number = (latest.id if latest else 0) + 1
    touched = heads_of(leaf.head for leaf in leaves)
    statement = Statement(
        log=config.log,
        checkpoint=number,
        tree_size=frontier.size,
        root=frontier.root().hex(),
        streams=(latest.streams if latest else 0) + await _new_streams(store, leaves),
        offsets=offsets,
        heads_digest=heads_digest(touched),
        created_at=format_time(now),
        key_id=signer.key_id,
        previous=None
        if latest is None
        else {"checkpoint": latest.id, "tree_size": latest.tree_size, "root": latest.root},
    )
    payload = statement.payload().decode()
    signature = signer.sign(payload.encode())
    checkpoint = Checkpoint(
        id=number,
        tree_size=statement.tree_size,
        root=statement.root,
        streams=statement.streams,
        offsets=dict(offsets),
        heads_digest=statement.heads_digest,
        created_at=now,
        key_id=signer.key_id,
        payload=payload,
        signature=signature,
    )
    await store.append(
        NewCheckpoint(
            checkpoint=checkpoint,
            leaves=leaves,
            nodes=nodes,
            public_key=signer.public_base64,
            divergences=await _divergences(store, leaves),
            message=_message(config, statement, signature, touched, now),
        )
    )
    return checkpoint


async def _new_streams(store: LogStore, leaves: Sequence[Leaf]) -> int:
    firsts = {leaf.stream_id for leaf in leaves if leaf.version == 1}
    if not firsts:
        return 0
    known = await store.logged_streams(sorted(firsts))
    return len(firsts - known)


async def _divergences(store: LogStore, leaves: Sequence[Leaf]) -> list[Divergence]:
    stored = await store.stored_hashes([(x.stream_id, x.version) for x in leaves])
    return [
        Divergence(x.stream_id, x.version, x.hash, stored.get((x.stream_id, x.version)))
        for x in leaves
        if stored.get((x.stream_id, x.version)) != x.hash
    ]


def _message(
    config: LogConfig,
    statement: Statement,
    signature: str,
    heads: Sequence[tuple[str, int, str]],
    now: datetime,
) -> tuple[str, str, UUID, bytes]:
    data = CheckpointSigned(
        statement=StatementData.model_validate(statement.as_dict()),
        signature=signature,
        heads=list(heads),
    )
    event_id = uuid5(NAMESPACE_URL, f"lotledger:{config.log}:{statement.checkpoint}")
    envelope = CloudEvent(
        id=event_id,
        source="/inventory/checkpointer",
        type=SIGNED,
        subject=config.log,
        time=now,
        data=data.as_data(),
    )
    return config.topic, config.log, event_id, envelope.to_json()
