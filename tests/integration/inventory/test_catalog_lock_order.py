"""A location's catalog change (quarantine or not) sets `pickable` on its stock lines only
after it holds their batches, in batch-id order: the order an append takes them in before
it writes any stock line. Locking the lines first, in the plan's order, a catalog change
could hold one line an append needs while waiting for another the append holds."""

import asyncio

from lotledger.shared.identifiers import batch_id
from tests.support.plans import runtime_session
from tests.support.relay import receipt
from tests.support.stock import post_operations
from tests.support.tokens import bearer
from tests.support.world import COLD, LOCATIONS

ADMIN = bearer("admin")
SHELF = "WH1/COLD-A/02"
WAITING_FOR_A_LOCK = """
SELECT count(*) FROM pg_stat_activity
WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"""


async def test_a_catalog_change_waits_for_an_append_before_taking_any_stock_line() -> None:
    lots = ["SHELVED01", "SHELVED02"]
    earlier, later = sorted(batch_id(COLD, lot) for lot in lots)
    quarantined = {**LOCATIONS[SHELF], "kind": "quarantine"}
    async with runtime_session() as (client, conn):
        await post_operations(client, [receipt(lot, 4) | {"location": SHELF} for lot in lots])
        appending = conn.transaction()
        await appending.start()
        await conn.execute("SELECT FROM batches WHERE batch_id = $1 FOR NO KEY UPDATE", later)
        change = asyncio.create_task(
            client.put(f"/v1/locations/{SHELF}", json=quarantined, headers=ADMIN)
        )
        while not change.done() and not await conn.fetchval(WAITING_FOR_A_LOCK):
            await asyncio.sleep(0.01)
        assert not change.done(), "the catalog change did not wait for the batch's append"
        lines = await conn.fetch(
            "SELECT batch_id FROM stock_levels WHERE location = $1 "
            "ORDER BY batch_id FOR NO KEY UPDATE NOWAIT",
            SHELF,
        )
        await appending.commit()
        response = await change
        pickable = await conn.fetch(
            "SELECT batch_id, pickable FROM stock_levels WHERE location = $1 ORDER BY 1", SHELF
        )
    assert [r["batch_id"] for r in lines] == [earlier, later]
    assert response.status_code == 200, response.text
    assert [(r["batch_id"], r["pickable"]) for r in pickable] == [
        (earlier, False),
        (later, False),
    ]
