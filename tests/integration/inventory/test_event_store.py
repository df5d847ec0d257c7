"""Guarantee 6: the database refuses UPDATE, DELETE and TRUNCATE on events, to the owner
too (the runtime role lacks the privileges: tests/integration/privileges); each batch's
hash chain verifies, and tampering (by an admin bypassing the guard) is evident."""

import asyncpg
import httpx
import pytest

from lotledger.shared.urls import lot_segment
from tests.support.infra import Infra
from tests.support.stock import READER, SCANNER, receive
from tests.support.world import COLD, PHARMACIES, fresh_lot


async def _as_admin(infra: Infra) -> asyncpg.Connection:
    """The database admin, who holds the owner's rights (it may disable triggers)."""
    return await asyncpg.connect(infra.admin_url())


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE inventory.events SET data = '{}'::jsonb WHERE stream_id = $1",
        "DELETE FROM inventory.events WHERE stream_id = $1",
    ],
)
async def test_events_cannot_be_updated_or_deleted_even_by_the_owner(
    inventory: httpx.AsyncClient, migrated: Infra, statement: str
) -> None:
    lot = fresh_lot("IMM")
    await receive(inventory, COLD, lot, 3)
    conn = await _as_admin(migrated)
    try:
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="events are immutable"):
            await conn.execute(statement, f"{COLD}/{lot}")
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="events are immutable"):
            await conn.execute("TRUNCATE inventory.events")
        assert (
            await conn.fetchval(
                "SELECT count(*) FROM inventory.events WHERE stream_id = $1", f"{COLD}/{lot}"
            )
            == 1
        )
    finally:
        await conn.close()


async def test_hash_chain_verifies_and_names_a_tampered_event(
    inventory: httpx.AsyncClient, migrated: Infra
) -> None:
    lot = fresh_lot("CHAIN")
    await receive(inventory, COLD, lot, 10)
    for qty in (1, 2, 3):
        response = await inventory.post(
            "/v1/picks",
            headers=SCANNER,
            json={
                "gtin": COLD,
                "lot": lot,
                "qty": qty,
                "location": "WH1/COLD-A/01",
                "order_ref": f"SO-{qty}",
                "ship_to": PHARMACIES[0],
            },
        )
        assert response.status_code == 201
    url = f"/v1/batches/{COLD}/{lot_segment(lot)}/events"
    intact = (await inventory.get(url, headers=READER)).json()
    assert intact["chain_valid"]
    assert [e["prevhash"] for e in intact["events"][1:]] == [
        e["hash"] for e in intact["events"][:-1]
    ]

    conn = await _as_admin(migrated)
    try:
        async with conn.transaction():
            await conn.execute(
                "ALTER TABLE inventory.events DISABLE TRIGGER events_no_update_delete"
            )
            await conn.execute(
                "UPDATE inventory.events SET data = jsonb_set(data, '{qty}', '30') "
                "WHERE stream_id = $1 AND version = 3",
                f"{COLD}/{lot}",
            )
            await conn.execute(
                "ALTER TABLE inventory.events ENABLE TRIGGER events_no_update_delete"
            )
    finally:
        await conn.close()
    tampered = (await inventory.get(url, headers=READER)).json()
    assert not tampered["chain_valid"]
    assert tampered["broken_version"] == 3
