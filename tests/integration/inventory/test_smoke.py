import httpx

from tests.support.tokens import bearer
from tests.support.world import COLD, PHARMACIES, SUPPLIER, fresh_lot

SCANNER = bearer("scanner", warehouses=["WH1"])


async def test_receive_pick_and_read_back(inventory: httpx.AsyncClient) -> None:
    lot = fresh_lot()
    receipt = await inventory.post(
        "/v1/receipts",
        headers=SCANNER,
        json={
            "gtin": COLD,
            "lot": lot,
            "expiry": "2027-06-30",
            "qty": 10,
            "location": "WH1/COLD-A/01",
            "supplier": SUPPLIER,
        },
    )
    assert receipt.status_code == 201, receipt.text
    pick = await inventory.post(
        "/v1/picks",
        headers=SCANNER,
        json={
            "gtin": COLD,
            "lot": lot,
            "qty": 3,
            "location": "WH1/COLD-A/01",
            "order_ref": "SO-1",
            "ship_to": PHARMACIES[0],
        },
    )
    assert pick.status_code == 201, pick.text
    batch = (await inventory.get(f"/v1/batches/{COLD}/{lot}", headers=SCANNER)).json()
    assert batch["on_hand"] == {"WH1/COLD-A/01": 7}
    events = (await inventory.get(f"/v1/batches/{COLD}/{lot}/events", headers=SCANNER)).json()
    assert events["chain_valid"]
    assert [e["type"] for e in events["events"]] == [
        "lotledger.stock.received.v1",
        "lotledger.stock.picked.v1",
    ]
