import httpx

from lotledger.shared.urls import lot_segment
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
    batch = (await inventory.get(f"/v1/batches/{COLD}/{lot_segment(lot)}", headers=SCANNER)).json()
    assert batch["on_hand"] == {"WH1/COLD-A/01": 7}
    events = (
        await inventory.get(f"/v1/batches/{COLD}/{lot_segment(lot)}/events", headers=SCANNER)
    ).json()
    assert events["chain_valid"]
    assert [e["type"] for e in events["events"]] == [
        "lotledger.stock.received.v1",
        "lotledger.stock.picked.v1",
    ]


async def test_fast_path_bodies_match_their_documented_models(inventory: httpx.AsyncClient) -> None:
    from lotledger.inventory.entrypoints.api.routers.operations import OperationsResponse
    from lotledger.inventory.entrypoints.api.views import CommandResponse

    lot = fresh_lot()
    receipt = await inventory.post(
        "/v1/receipts",
        headers=SCANNER,
        json={
            "gtin": COLD,
            "lot": lot,
            "expiry": "2027-06-30",
            "qty": 4,
            "location": "WH1/COLD-A/01",
            "supplier": SUPPLIER,
        },
    )
    assert CommandResponse.model_validate(receipt.json()).model_dump(mode="json") == receipt.json()
    ops = await inventory.post(
        "/v1/operations",
        headers=SCANNER,
        json={
            "operations": [
                {
                    "op": "pick",
                    "client_op_id": f"fp-{lot}",
                    "gtin": COLD,
                    "lot": lot,
                    "qty": 1,
                    "location": "WH1/COLD-A/01",
                    "order_ref": "SO-F",
                    "ship_to": PHARMACIES[0],
                },
                {
                    "op": "pick",
                    "client_op_id": f"fp2-{lot}",
                    "gtin": COLD,
                    "lot": lot,
                    "qty": 99,
                    "location": "WH1/COLD-A/01",
                    "order_ref": "SO-F",
                    "ship_to": PHARMACIES[0],
                },
            ]
        },
    )
    parsed = OperationsResponse.model_validate(ops.json())
    assert [r.status for r in parsed.results] == [201, 409]
    assert parsed.model_dump(mode="json") == ops.json()
