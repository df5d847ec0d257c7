"""A lot's life over real HTTP and the real broker, read back from traceability: received
from a supplier, moved, picked to three consignees, partly disposed and recalled."""

import asyncio
from typing import Any

import httpx

from lotledger.shared.urls import lot_segment
from tests.support.processes import System
from tests.support.stock import QA, SCANNER
from tests.support.tokens import bearer
from tests.support.world import COLD, PHARMACIES, SUPPLIER, fresh_lot

REGULATOR = bearer("regulator")
A1, A2 = "WH1/COLD-A/01", "WH1/COLD-A/02"
SHIPPED = {PHARMACIES[0]: 10, PHARMACIES[1]: 15, PHARMACIES[2]: 5}


async def _until_version(client: httpx.AsyncClient, url: str, version: int) -> dict[str, Any]:
    async with asyncio.timeout(30):
        while True:
            response = await client.get(url, headers=REGULATOR)
            if response.status_code == 200 and response.json()["version"] >= version:
                return dict(response.json())
            await asyncio.sleep(0.2)


async def test_a_recalled_lot_traces_reconciles_and_reports_every_consignee(
    system: System,
) -> None:
    lot = fresh_lot("E2R")
    k = {"gtin": COLD, "lot": lot}
    steps: list[tuple[str, dict[str, Any], dict[str, str]]] = [
        (
            "/v1/receipts",
            {
                **k,
                "expiry": "2028-09-30",
                "qty": 60,
                "location": A1,
                "supplier": SUPPLIER,
                "reference": "PO-E2E",
            },
            SCANNER,
        ),
        ("/v1/moves", {**k, "qty": 20, "from_location": A1, "to_location": A2}, SCANNER),
        *[
            (
                "/v1/picks",
                {
                    **k,
                    "qty": qty,
                    "location": A1 if i != 1 else A2,
                    "order_ref": f"SO-E2E-{i}",
                    "ship_to": party,
                },
                SCANNER,
            )
            for i, (party, qty) in enumerate(SHIPPED.items())
        ],
        ("/v1/disposals", {**k, "qty": 3, "location": A2, "reason": "damaged"}, SCANNER),
        (
            f"/v1/batches/{COLD}/{lot_segment(lot)}/recall",
            {"recall_id": "RC-E2E", "class": "I", "reason": "contamination"},
            QA,
        ),
    ]
    async with system.client("inventory") as inventory:
        for path, body, headers in steps:
            response = await inventory.post(path, json=body, headers=headers)
            assert response.status_code == 201, response.text

    async with system.client("traceability") as traceability:
        url = f"/v1/lots/{COLD}/{lot_segment(lot)}"
        summary = await _until_version(traceability, url, len(steps))
        assert summary["status"] == "recalled"
        assert summary["reconciliation"]["balances"] is True
        assert (summary["reconciliation"]["received"], summary["on_hand"]) == (60, 27)
        assert {b["location"]: b["qty"] for b in summary["balances"]} == {A1: 25, A2: 2}

        trace = (await traceability.get(f"{url}/trace", headers=REGULATOR)).json()
        assert [s["type"] for s in trace["path"]] == [
            "received",
            "moved",
            "picked",
            "picked",
            "picked",
            "disposed",
            "recalled",
        ]
        assert [s["version"] for s in trace["path"]] == list(range(1, 8))
        assert [o["party"] for o in trace["origin"]] == [SUPPLIER]
        assert {d["consignee"]: d["qty"] for d in trace["destinations"]} == SHIPPED

        report = (await traceability.get(f"{url}/recall-report", headers=REGULATOR)).json()
        assert {c["party"]: c["shipped"] for c in report["consignees"]} == SHIPPED
        assert all(c["shipments"][0]["at"] for c in report["consignees"])
        assert (report["shipped_total"], report["on_hand_total"]) == (30, 27)
        assert report["recalls"][0]["recall_class"] == "I"

        verify = (await traceability.get(f"{url}/verify", headers=REGULATOR)).json()
        assert (verify["ok"], verify["checked"]) == (True, 7)

    async with httpx.AsyncClient() as client:
        metrics = await client.get(f"http://127.0.0.1:{system.projector_metrics_port}/metrics")
    assert 'lotledger_projection_lag_messages{consumer="traceability"' in metrics.text
