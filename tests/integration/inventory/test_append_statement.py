"""The append is a call of `append_request` (migrations `0015_append_plan`,
`0017_quiet_conflicts`, `0018_catalog_versions`) with every parameter passed by name,
whose plan each session makes once: made on empty tables, it still reads them by index
once they have grown. A batch that moved on since it was read makes it write nothing and
say so, without an error."""

import uuid
from datetime import UTC, datetime

import asyncpg
import pytest

from lotledger.inventory.adapters.append_statement import (
    APPEND,
    BATCH_CHANGED,
    PARAMETERS,
    call,
)
from lotledger.shared.identifiers import batch_id
from tests.support.infra import Infra, migrate_to, owner_role
from tests.support.plans import runtime_session, seq_scans
from tests.support.relay import receipt
from tests.support.stock import post_operations
from tests.support.world import COLD

SCALARS = {"now", "created", "updated", "principal", "sync_topic"}
PARAMETERS_0017 = tuple(name for name in PARAMETERS if not name.startswith("cat_"))
APPEND_0017 = call(PARAMETERS_0017)
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


def _arguments(
    batch: str, event: dict[str, object] | None = None, parameters: tuple[str, ...] = PARAMETERS
) -> list[object]:
    """An append that updates `batch` from a version it never had (and writes `event`, the
    `ev_` arguments without their prefix): it locks the batch by key and compares its
    version with the one read."""
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
    values |= {f"ev_{name}": [value] for name, value in (event or {}).items()}
    return [values[name] for name in parameters]


def _event(stream: str) -> dict[str, object]:
    now = datetime.now(UTC)
    return {
        "id": uuid.uuid4(),
        "stream": stream,
        "source": "test",
        "version": 2,
        "type": "lotledger.stock.picked.v1",
        "data": "{}",
        "time": now,
        "actor": "test",
        "device": None,
        "correlation": "test",
        "causation": None,
        "recorded": now,
        "prev": "0" * 64,
        "hash": "1" * 64,
        "payload": b"{}",
        "trace": None,
    }


async def test_an_append_from_a_version_the_batch_no_longer_has_writes_nothing() -> None:
    """The optimistic path's ordinary conflict is an answer (`BATCH_CHANGED`), not a
    serialization failure that Postgres would log with the whole call."""
    lot = "MOVED0001"
    moved = batch_id(COLD, lot)
    async with runtime_session() as (client, conn):
        await post_operations(client, [receipt(lot, 5)])
        answer = await conn.fetchval(APPEND, *_arguments(moved, _event(moved)))
        events = await conn.fetchval("SELECT count(*) FROM events WHERE stream_id = $1", moved)
        version = await conn.fetchval("SELECT version FROM batches WHERE batch_id = $1", moved)
    assert answer == BATCH_CHANGED
    assert (events, version) == (1, 1)


async def test_the_append_planned_on_empty_tables_reads_them_by_index_once_grown() -> None:
    lots = [f"GROWN{n:04d}" for n in range(LOTS)]
    moved = batch_id(COLD, lots[-1])
    async with runtime_session() as (client, conn):
        for _ in range(8):
            assert await conn.fetchval(APPEND, *_arguments(moved)) == BATCH_CHANGED
        await post_operations(client, [receipt(lot, 1) for lot in lots])
        before = await seq_scans(conn)
        for _ in range(20):
            assert await conn.fetchval(APPEND, *_arguments(moved)) == BATCH_CHANGED
        after = await seq_scans(conn)
    assert after == before, "the append scanned batches whole"


async def test_the_downgrade_of_the_quiet_conflicts_raises_them_again(
    fresh_database: Infra,
) -> None:
    """0017's downgrade restores 0015's function (it fails the call), and its upgrade the
    answer; both are 0015's text but for the first part. 0018's downgrade restores 0017's
    function, without the catalog's arguments."""
    await migrate_to(fresh_database, "inventory", "0018_catalog_versions")
    conn = await asyncpg.connect(fresh_database.url(owner_role("inventory"), driver="postgresql"))
    try:
        await conn.execute("SET search_path = inventory")
        missing = batch_id(COLD, "NEVER0001")
        assert await conn.fetchval(APPEND, *_arguments(missing)) == BATCH_CHANGED
        await migrate_to(fresh_database, "inventory", "0017_quiet_conflicts", down=True)
        call, arguments = APPEND_0017, _arguments(missing, parameters=PARAMETERS_0017)
        assert await conn.fetchval(call, *arguments) == BATCH_CHANGED
        await migrate_to(fresh_database, "inventory", "0016_maintenance", down=True)
        with pytest.raises(asyncpg.SerializationError):
            await conn.fetchval(call, *arguments)
        await migrate_to(fresh_database, "inventory", "0018_catalog_versions")
        assert await conn.fetchval(APPEND, *_arguments(missing)) == BATCH_CHANGED
    finally:
        await conn.close()
