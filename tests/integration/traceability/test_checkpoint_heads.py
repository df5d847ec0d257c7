"""Checkpoints as traceability stores them: a batch of records may hold several signed
checkpoints that logged the same lot (a replay, a rebuild, a projector catching up); each
lot keeps the latest head whatever their order in the batch."""

from __future__ import annotations

import uuid

import asyncpg

from lotledger.traceability.adapters.checkpoint_store import CheckpointStore, ReceivedCheckpoint
from tests.support.infra import Infra, migrate, owner_role

H1, H3, H4, H5 = (f"{n:064x}" for n in (1, 3, 4, 5))
"""Hashes as stored: 64 hex digits."""


def checkpoint(number: int, heads: list[tuple[str, int, str]]) -> ReceivedCheckpoint:
    return ReceivedCheckpoint(
        id=number,
        tree_size=number,
        root="r",
        key_id="k",
        created_at="2026-12-03T00:00:00Z",
        problem=None,
        heads=heads,
    )


async def test_one_batch_with_two_checkpoints_of_a_lot_keeps_its_latest_head(
    migrated: Infra,
) -> None:
    schema = f"heads_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(migrated.admin_url())
    try:
        await admin.execute(f"CREATE SCHEMA {schema} AUTHORIZATION {owner_role('traceability')}")
    finally:
        await admin.close()
    await migrate(migrated, "traceability", schema)
    stream, other = "09506000134352/L1", "09506000134352/L2"
    conn = await asyncpg.connect(
        migrated.url("traceability", driver="postgresql"), server_settings={"search_path": schema}
    )
    try:
        store = CheckpointStore(conn)
        async with conn.transaction():
            await store.save(
                [checkpoint(2, [(stream, 5, H5), (other, 1, H1)]), checkpoint(1, [(stream, 3, H3)])]
            )
        head = await store.head(stream)
        assert head is not None
        assert (head.checkpoint, head.version, head.hash) == (2, 5, H5)
        async with conn.transaction():
            await store.save([checkpoint(3, [(stream, 4, H4)])])
        again = await store.head(stream)
        assert again is not None
        assert again.version == 5
    finally:
        await conn.close()
