"""Signed checkpoints: an event altered in the database fails both the batch chain check
and the checkpoint check, and both name the event."""

import base64
from datetime import UTC, datetime

import asyncpg
import httpx

from lotledger.inventory.adapters.checkpoints import CheckpointStore
from lotledger.inventory.adapters.signing import Signer, signature_valid
from lotledger.inventory.bootstrap import create_app
from lotledger.inventory.service.checkpoints import create_checkpoint
from lotledger.inventory.settings import InventorySettings
from tests.support.apps import serve
from tests.support.infra import Infra
from tests.support.private import private_inventory, settings_for
from tests.support.stock import SCANNER, receive
from tests.support.tokens import bearer
from tests.support.world import COLD, PHARMACIES, fresh_lot, seed_catalog

REGULATOR = bearer("regulator")


async def _tamper(infra: Infra, stream: str, version: int) -> None:
    """As the database admin, who holds the owner's rights (the runtime role cannot)."""
    conn = await asyncpg.connect(infra.admin_url())
    try:
        async with conn.transaction():
            await conn.execute(
                "ALTER TABLE inventory.events DISABLE TRIGGER events_no_update_delete"
            )
            await conn.execute(
                "UPDATE inventory.events SET data = jsonb_set(data, '{qty}', '999') "
                "WHERE stream_id = $1 AND version = $2",
                stream,
                version,
            )
            await conn.execute(
                "ALTER TABLE inventory.events ENABLE TRIGGER events_no_update_delete"
            )
    finally:
        await conn.close()


async def test_signed_checkpoint_detects_and_names_an_altered_event() -> None:
    async with private_inventory() as world:
        settings = settings_for(world)
        async with serve(create_app(settings)) as client:
            await seed_catalog(client, bearer("admin"))
            await _scenario(client, settings, world)


async def _scenario(
    inventory: httpx.AsyncClient, inventory_settings: InventorySettings, migrated: Infra
) -> None:
    lot = fresh_lot("CKP")
    await receive(inventory, COLD, lot, 10)
    picked = await inventory.post(
        "/v1/picks",
        headers=SCANNER,
        json={
            "gtin": COLD,
            "lot": lot,
            "qty": 2,
            "location": "WH1/COLD-A/01",
            "order_ref": "SO-C",
            "ship_to": PHARMACIES[0],
        },
    )
    assert picked.status_code == 201
    signer = Signer.from_seed(inventory_settings.checkpoint_key.get_secret_value())
    conn = await asyncpg.connect(
        migrated.url("inventory", driver="postgresql"), server_settings={"search_path": "inventory"}
    )
    try:
        checkpoint_id = await create_checkpoint(CheckpointStore(conn), signer, datetime.now(UTC))
    finally:
        await conn.close()
    assert checkpoint_id is not None

    key = (await inventory.get("/v1/checkpoints/public-key", headers=REGULATOR)).json()
    fetched = (await inventory.get(f"/v1/checkpoints/{checkpoint_id}", headers=REGULATOR)).json()
    assert signature_valid(
        base64.b64decode(key["raw_base64"]), fetched["payload"].encode(), fetched["signature"]
    )
    assert (await inventory.get("/v1/checkpoints/latest", headers=REGULATOR)).json()["id"] >= (
        checkpoint_id
    )
    intact = (
        await inventory.get(f"/v1/checkpoints/{checkpoint_id}/verify", headers=REGULATOR)
    ).json()
    assert intact["ok"], intact
    assert intact["streams_checked"] == fetched["streams"] >= 1
    assert intact["events_checked"] >= 2

    stream = f"{COLD}/{lot}"
    await _tamper(migrated, stream, 2)
    chain = (await inventory.get(f"/v1/batches/{COLD}/{lot}/events", headers=REGULATOR)).json()
    assert (chain["chain_valid"], chain["broken_version"]) == (False, 2)
    verdict = (
        await inventory.get(f"/v1/checkpoints/{checkpoint_id}/verify", headers=REGULATOR)
    ).json()
    assert not verdict["ok"]
    assert verdict["signature_valid"]
    assert not verdict["root_matches"]
    assert (verdict["broken_stream"], verdict["broken_version"]) == (stream, 2)


async def test_checkpoints_are_for_auditors(inventory: httpx.AsyncClient) -> None:
    response = await inventory.get("/v1/checkpoints/latest", headers=SCANNER)
    assert response.status_code == 403


async def test_the_relay_signs_checkpoints_periodically() -> None:
    import asyncio

    from lotledger.inventory.entrypoints.relay import Relay

    async with private_inventory() as world:
        settings = settings_for(world, checkpoint_interval_s=1.0)
        async with serve(create_app(settings)) as client:
            await seed_catalog(client, bearer("admin"))
            await receive(client, COLD, fresh_lot("CKR"), 3)
            stop = asyncio.Event()
            relay = asyncio.create_task(Relay(settings, idle_wait_s=0.2).run(stop))
            try:
                for _ in range(100):
                    latest = await client.get("/v1/checkpoints/latest", headers=REGULATOR)
                    if latest.status_code == 200:
                        break
                    await asyncio.sleep(0.1)
                assert latest.status_code == 200, latest.text
                assert latest.json()["streams"] == 1
            finally:
                stop.set()
                await asyncio.wait_for(relay, 30)
