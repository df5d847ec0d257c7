"""The append is a call of `append_request` (migration `0015_append_plan`) with every
parameter passed by name, whose plan each session makes once: made on empty tables, it
still reads them by index once they have grown."""

from datetime import UTC, datetime

import asyncpg
import pytest

from lotledger.inventory.adapters.append_statement import APPEND, PARAMETERS
from lotledger.shared.identifiers import batch_id
from tests.support.infra import Infra
from tests.support.plans import runtime_session, seq_scans
from tests.support.relay import receipt
from tests.support.stock import post_operations
from tests.support.world import COLD

SCALARS = {"now", "created", "updated", "principal", "sync_topic"}
LOTS = 800


async def test_the_call_names_every_parameter_of_the_function(migrated: Infra) -> None:
    conn = await asyncpg.connect(
        migrated.url("inventory", driver="postgresql"),
        server_settings={"search_path": "inventory"},
    )
    try:
        names = await conn.fetchval(
            "SELECT proargnames FROM pg_proc WHERE proname = 'append_request'"
        )
        parameters = (await conn.prepare(APPEND)).get_parameters()
    finally:
        await conn.close()
    assert sorted(names) == sorted(f"p_{name}" for name in PARAMETERS)
    assert len(parameters) == len(PARAMETERS)


def _arguments(batch: str) -> list[object]:
    """An append that updates `batch` from a version it never had: it locks the batch and
    looks for its version by key, then fails."""
    values: dict[str, object] = {name: [] for name in PARAMETERS if name not in SCALARS}
    values |= {
        "now": datetime.now(UTC),
        "created": 0,
        "updated": 1,
        "principal": "test",
        "sync_topic": "",
        "u_id": [batch],
        "u_expected": [999],
    }
    return [values[name] for name in PARAMETERS]


async def test_the_append_planned_on_empty_tables_reads_them_by_index_once_grown() -> None:
    lots = [f"GROWN{n:04d}" for n in range(LOTS)]
    moved = batch_id(COLD, lots[-1])
    async with runtime_session() as (client, conn):
        for _ in range(8):
            with pytest.raises(asyncpg.SerializationError):
                await conn.fetchval(APPEND, *_arguments(moved))
        await post_operations(client, [receipt(lot, 1) for lot in lots])
        before = await seq_scans(conn)
        for _ in range(20):
            with pytest.raises(asyncpg.SerializationError):
                await conn.fetchval(APPEND, *_arguments(moved))
        after = await seq_scans(conn)
    assert after == before, "the append scanned batches whole"
