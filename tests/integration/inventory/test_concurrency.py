"""Guarantee 1: concurrent commands on one batch serialise; stock never goes negative."""

import asyncio

import httpx

from lotledger.inventory.entrypoints.relay import Relay
from lotledger.inventory.settings import InventorySettings
from lotledger.shared.urls import lot_segment
from tests.support.kafka import of_subject, read_topic
from tests.support.tokens import bearer
from tests.support.world import COLD, PHARMACIES, SUPPLIER, fresh_lot

SCANNER = bearer("scanner", warehouses=["WH1"])


async def test_forty_concurrent_picks_of_ten_units(
    inventory: httpx.AsyncClient, inventory_settings: InventorySettings, relay: Relay
) -> None:
    lot = fresh_lot("RACE")
    receipt = await inventory.post(
        "/v1/receipts",
        headers=SCANNER,
        json={
            "gtin": COLD,
            "lot": lot,
            "expiry": "2027-12-31",
            "qty": 10,
            "location": "WH1/COLD-A/01",
            "supplier": SUPPLIER,
        },
    )
    assert receipt.status_code == 201

    async def pick(i: int) -> httpx.Response:
        return await inventory.post(
            "/v1/picks",
            headers=SCANNER,
            json={
                "gtin": COLD,
                "lot": lot,
                "qty": 1,
                "location": "WH1/COLD-A/01",
                "order_ref": f"SO-{i}",
                "ship_to": PHARMACIES[i % 3],
            },
        )

    responses = await asyncio.gather(*(pick(i) for i in range(40)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] * 10 + [409] * 30
    refusals = {r.json()["type"] for r in responses if r.status_code == 409}
    assert refusals == {"urn:lotledger:problem:insufficient-stock"}

    batch = (await inventory.get(f"/v1/batches/{COLD}/{lot_segment(lot)}", headers=SCANNER)).json()
    assert batch["on_hand"] == {}
    assert batch["version"] == 11

    subject = f"{COLD}/{lot}"
    topic = inventory_settings.topic("lotledger.stock.v1")
    messages = await read_topic(
        inventory_settings.kafka_bootstrap,
        topic,
        until=lambda ms: len(of_subject(ms, subject)) >= 11,
    )
    ours = of_subject(messages, subject)
    picked = [m for m in ours if m["type"] == "lotledger.stock.picked.v1"]
    assert len(picked) == 10
    assert len({m["id"] for m in ours}) == 11
    assert [m["streamversion"] for m in ours] == list(range(1, 12))
