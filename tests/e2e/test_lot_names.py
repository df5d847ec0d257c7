"""Lot names that look like paths or escapes, over real HTTP servers (docs/adr/0005): every
character of the GS1 AI 82 set, `.` and `..`, and `AMB/events`, `AMB/trace` next to `AMB`
are received, changed and read back, each as itself and never as another lot."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from lotledger.shared.urls import lot_segment
from tests.support.processes import System
from tests.support.stock import QA, READER, SCANNER
from tests.support.tokens import bearer
from tests.support.world import SUPPLIER, fresh_product

AI82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
ALIASES = ["AMB", "AMB/events", "AMB/trace", "AMB/verify", ".", "..", "/", "%", "%2F", "a/../b"]
LOTS = [*ALIASES, *(AI82[i : i + 20] for i in range(0, len(AI82), 20))]
REGULATOR = bearer("regulator")


async def _received(inventory: httpx.AsyncClient, gtin: str, lot: str, qty: int) -> None:
    body = {
        "gtin": gtin,
        "lot": lot,
        "expiry": "2029-01-31",
        "qty": qty,
        "location": "WH1/COLD-A/01",
        "supplier": SUPPLIER,
    }
    response = await inventory.post("/v1/receipts", json=body, headers=SCANNER)
    assert response.status_code == 201, response.text


async def _projected(client: httpx.AsyncClient, url: str, version: int) -> dict[str, Any]:
    async with asyncio.timeout(30):
        while True:
            response = await client.get(url, headers=REGULATOR)
            if response.status_code == 200 and response.json()["version"] >= version:
                return dict(response.json())
            await asyncio.sleep(0.2)


async def test_every_lot_name_is_addressed_as_itself(system: System) -> None:
    qty = {lot: i + 1 for i, lot in enumerate(LOTS)}
    async with system.client("inventory") as inventory:
        gtin = await fresh_product(inventory, bearer("admin"))
        for lot in LOTS:
            await _received(inventory, gtin, lot, qty[lot])
        quarantined = await inventory.post(
            f"/v1/batches/{gtin}/{lot_segment('AMB/events')}/quarantine", json={}, headers=QA
        )
        assert quarantined.status_code == 201, quarantined.text
        assert [b["lot"] for b in quarantined.json()["batches"]] == ["AMB/events"]

        for lot in LOTS:
            url = f"/v1/batches/{gtin}/{lot_segment(lot)}"
            batch = (await inventory.get(url, headers=READER)).json()
            assert (batch["lot"], batch["total"]) == (lot, qty[lot]), batch
            assert batch["status"] == ("quarantined" if lot == "AMB/events" else "available")
            events = (await inventory.get(f"{url}/events", headers=READER)).json()
            assert events["batch_id"] == f"{gtin}/{lot}"
            assert [e["data"]["lot"] for e in events["events"]] == [lot] * batch["version"]
            assert events["chain_valid"] is True

    async with system.client("traceability") as traceability:
        for lot in LOTS:
            url = f"/v1/lots/{gtin}/{lot_segment(lot)}"
            summary = await _projected(traceability, url, 2 if lot == "AMB/events" else 1)
            assert (summary["lot"], summary["on_hand"]) == (lot, qty[lot])
            trace = (await traceability.get(f"{url}/trace", headers=REGULATOR)).json()
            assert trace["lot"] == lot
            assert [s["qty"] for s in trace["path"] if s["type"] == "received"] == [qty[lot]]
            verify = (await traceability.get(f"{url}/verify", headers=REGULATOR)).json()
            assert verify["ok"] is True
            epcis = await traceability.get(f"{url}/epcis", headers=REGULATOR)
            assert epcis.status_code == 200
            [event] = [
                e
                for e in epcis.json()["epcisBody"]["eventList"]
                if str(e.get("bizStep", "")).endswith("receiving")
            ]
            assert event["quantityList"][0]["quantity"] == qty[lot]
