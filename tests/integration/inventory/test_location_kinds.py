"""An append checks the pickability it assumed of its stock lines' locations against the
catalog as committed, under a lock that a location's change takes exclusively before it
sets the location's lines (migration `0018_location_kinds`, `catalog_store.KINDS_LOCK`):
a request that decided on a location's old kind writes nothing, and a change waits for
the appends in flight."""

import asyncio
from datetime import UTC, datetime

import httpx

from lotledger.inventory.adapters.append_statement import APPEND, CATALOG_CHANGED, PARAMETERS
from tests.support.plans import runtime_session
from tests.support.relay import receipt
from tests.support.stock import post_operations
from tests.support.tokens import bearer
from tests.support.world import LOCATIONS

ADMIN = bearer("admin")
SHELF = "WH1/COLD-A/02"
UNREGISTERED = "WH1/COLD-Z/99"
SCALARS = {"now": None, "created": 0, "updated": 0, "principal": "test", "sync_topic": ""}
WAITING_FOR_A_LOCK = """
SELECT count(*) FROM pg_stat_activity
WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"""


def assuming(pickable_at: dict[str, bool]) -> list[object]:
    """An append that writes nothing but assumed `pickable_at` of its lines' locations."""
    values: dict[str, object] = {n: [] for n in PARAMETERS} | SCALARS | {"now": datetime.now(UTC)}
    values |= {"at_location": list(pickable_at), "at_pickable": list(pickable_at.values())}
    return [values[name] for name in PARAMETERS]


async def quarantine(client: httpx.AsyncClient, location: str) -> httpx.Response:
    record = {**LOCATIONS[location], "kind": "quarantine"}
    return await client.put(f"/v1/locations/{location}", json=record, headers=ADMIN)


async def test_an_append_that_assumed_a_location_s_old_kind_writes_nothing() -> None:
    async with runtime_session() as (client, conn):
        await post_operations(client, [receipt("KINDS0001", 4) | {"location": SHELF}])
        response = await quarantine(client, SHELF)
        assert response.status_code == 200, response.text
        answers = [
            await conn.fetchval(APPEND, *assuming(pickable_at))
            for pickable_at in (
                {SHELF: True},
                {SHELF: False},
                {UNREGISTERED: True},
                {UNREGISTERED: False},
                {SHELF: False, UNREGISTERED: True},
            )
        ]
        lines = await conn.fetch("SELECT pickable FROM stock_levels WHERE location = $1", SHELF)
    assert answers == [CATALOG_CHANGED, 0, 0, CATALOG_CHANGED, 0]
    assert [r["pickable"] for r in lines] == [False]


async def test_a_location_s_change_waits_for_an_append_in_flight() -> None:
    async with runtime_session() as (client, conn):
        await post_operations(client, [receipt("KINDS0002", 4) | {"location": SHELF}])
        appending = conn.transaction()
        await appending.start()
        assert await conn.fetchval(APPEND, *assuming({SHELF: True})) == 0
        change = asyncio.create_task(quarantine(client, SHELF))
        while not change.done() and not await conn.fetchval(WAITING_FOR_A_LOCK):
            await asyncio.sleep(0.01)
        assert not change.done(), "the location's change did not wait for the append"
        before = await conn.fetchval("SELECT pickable FROM stock_levels WHERE location = $1", SHELF)
        await appending.commit()
        response = await change
        after = await conn.fetchval("SELECT pickable FROM stock_levels WHERE location = $1", SHELF)
        late = await conn.fetchval(APPEND, *assuming({SHELF: True}))
    assert response.status_code == 200, response.text
    assert (before, after, late) == (True, False, CATALOG_CHANGED)
