"""Serials and barcodes beyond receipts: an AI (21) serial scanned on a receipt, a pick or
a return is kept on the event; picks, moves and returns take a barcode in place of
gtin/lot, and one naming another expiry than the batch's is refused."""

from typing import Any

import httpx

from lotledger.shared.urls import lot_segment
from tests.support.stock import READER, SCANNER, problem_type
from tests.support.world import COLD, PHARMACIES, SUPPLIER, fresh_lot

GS = "\x1d"
A, B, Q = "WH1/COLD-A/01", "WH1/COLD-A/02", "WH1/COLD-Q/01"


def code(lot: str, serial: str, expiry: str = "270630") -> str:
    return f"]d201{COLD}17{expiry}10{lot}{GS}21{serial}"


async def _post(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(path, headers=SCANNER, json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_a_scanned_serial_is_kept_on_the_event(inventory: httpx.AsyncClient) -> None:
    lot = fresh_lot("SN")
    await _post(
        inventory,
        "/v1/receipts",
        {"barcode": code(lot, "PACK-001"), "qty": 5, "location": A, "supplier": SUPPLIER},
    )
    pick = {"qty": 2, "location": A, "order_ref": "SO-SN", "ship_to": PHARMACIES[0]}
    await _post(inventory, "/v1/picks", {"barcode": code(lot, "PACK-002"), **pick})
    await _post(
        inventory,
        "/v1/moves",
        {"barcode": code(lot, "PACK-003"), "qty": 1, "from_location": A, "to_location": B},
    )
    back = {"qty": 1, "location": Q, "from_party": PHARMACIES[0], "reason": "damaged"}
    await _post(inventory, "/v1/returns", {"barcode": code(lot, "PACK-002"), **back})
    events = (
        await inventory.get(f"/v1/batches/{COLD}/{lot_segment(lot)}/events", headers=READER)
    ).json()["events"]
    assert [(e["type"].split(".")[2], e["data"].get("serial")) for e in events] == [
        ("received", "PACK-001"),
        ("picked", "PACK-002"),
        ("moved", "PACK-003"),
        ("returned", "PACK-002"),
    ]
    wrong = await inventory.post(
        "/v1/picks", headers=SCANNER, json={"barcode": code(lot, "PACK-9", "280101"), **pick}
    )
    assert wrong.status_code == 409, wrong.text
    assert problem_type(wrong) == "expiry-mismatch"
    both = await inventory.post(
        "/v1/picks",
        headers=SCANNER,
        json={"barcode": code(lot, "PACK-9"), "gtin": COLD, "lot": lot, **pick},
    )
    assert both.status_code == 422, both.text
