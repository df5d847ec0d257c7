"""Per-warehouse thresholds (master data on the catalog topic): a product's minimum shelf
life for shipping, overridden per warehouse, is applied by picks and by the FEFO preview
alike (one domain function), and the overrides are audited with the product."""

import httpx

from tests.support.stock import READER, problem_type, receive
from tests.support.tokens import bearer
from tests.support.world import PHARMACIES, fresh_lot, fresh_product

ADMIN = bearer("admin")
SCANNER = bearer("scanner", warehouses=["WH1", "WH2"])
WH1, WH2 = "WH1/COLD-A/01", "WH2/COLD-A/01"


def _pick(gtin: str, qty: int, location: str, lot: str | None = None) -> dict[str, object]:
    body: dict[str, object] = {
        "gtin": gtin,
        "qty": qty,
        "location": location,
        "order_ref": "SO-TH",
        "ship_to": PHARMACIES[0],
    }
    return body if lot is None else {**body, "lot": lot}


async def test_the_shelf_life_minimum_of_each_warehouse_rules_picks_and_previews(
    inventory: httpx.AsyncClient,
) -> None:
    gtin = await fresh_product(
        inventory,
        ADMIN,
        "cold",
        min_remaining_days=30,
        warehouses={"WH2": {"min_remaining_days": 400, "reorder_point": 5}},
    )
    short, long = fresh_lot("TS"), fresh_lot("TL")
    for location in (WH1, WH2):
        await receive(inventory, gtin, short, 5, location, "2027-06-30", SCANNER)
        await receive(inventory, gtin, long, 5, location, "2028-12-31", SCANNER)

    for location, lots in ((WH1, [short, long]), (WH2, [long])):
        preview = await inventory.get(
            "/v1/fefo", params={"gtin": gtin, "qty": 6, "location": location}, headers=SCANNER
        )
        planned = [(a["lot"], a["qty"]) for a in preview.json()["allocations"]]
        picked = await inventory.post("/v1/picks", json=_pick(gtin, 6, location), headers=SCANNER)
        if len(lots) == 1:
            assert (preview.json()["available"], planned) == (5, [])
            assert (picked.status_code, problem_type(picked)) == (409, "insufficient-stock")
            continue
        assert picked.status_code == 201, picked.text
        assert [(a["lot"], a["qty"]) for a in picked.json()["allocations"]] == planned
        assert planned == [(short, 5), (long, 1)]

    refused = await inventory.post("/v1/picks", json=_pick(gtin, 1, WH2, short), headers=SCANNER)
    assert (refused.status_code, problem_type(refused)) == (409, "shelf-life-too-short")
    audit = (await inventory.get(f"/v1/products/{gtin}/audit", headers=ADMIN)).json()
    assert audit[-1]["after"]["warehouses"] == {
        "WH2": {"min_remaining_days": 400, "reorder_point": 5}
    }
    product = (await inventory.get(f"/v1/products/{gtin}", headers=READER)).json()
    assert product["min_remaining_days"] == 30


async def test_thresholds_must_be_consistent_in_every_warehouse(
    inventory: httpx.AsyncClient,
) -> None:
    body = {
        "name": "x",
        "storage_class": "cold",
        "rx": True,
        "reorder_point": 10,
        "max_stock": 100,
        "warehouses": {"WH2": {"max_stock": 5}},
    }
    response = await inventory.put("/v1/products/09506000134369", json=body, headers=ADMIN)
    assert response.status_code == 422, response.text
    assert "WH2" in response.text
