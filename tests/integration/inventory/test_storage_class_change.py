"""A product's storage class may change only where its stock still fits: while stock of
it sits in locations the new class does not fit, the change is a 409 naming them, and
nothing is written (DESIGN §7: goods are stored where their class fits)."""

import httpx

from tests.support.stock import problem_type, receive
from tests.support.tokens import bearer
from tests.support.world import fresh_lot, fresh_product

ADMIN = bearer("admin")
SCANNER = bearer("scanner")
HELD_IN = ["WH1/COLD-A/01", "WH1/COLD-Q/01", "WH2/COLD-A/01"]


async def test_a_storage_class_that_does_not_fit_the_stock_is_refused(
    inventory: httpx.AsyncClient,
) -> None:
    gtin = await fresh_product(inventory, ADMIN, "cold")
    lots = {location: fresh_lot("SC") for location in HELD_IN}
    for location, lot in lots.items():
        await receive(inventory, gtin, lot, 2, location=location, headers=SCANNER)
    product = (await inventory.get(f"/v1/products/{gtin}", headers=ADMIN)).json()
    body = {k: v for k, v in product.items() if k != "gtin"}
    audit = (await inventory.get(f"/v1/products/{gtin}/audit", headers=ADMIN)).json()

    refused = await inventory.put(
        f"/v1/products/{gtin}", headers=ADMIN, json={**body, "storage_class": "ambient"}
    )
    assert refused.status_code == 409, refused.text
    assert problem_type(refused) == "storage-class-mismatch"
    assert refused.json()["locations"] == HELD_IN
    assert refused.json()["errors"][0]["field"] == "storage_class"
    assert (await inventory.get(f"/v1/products/{gtin}", headers=ADMIN)).json() == product
    assert (await inventory.get(f"/v1/products/{gtin}/audit", headers=ADMIN)).json() == audit

    renamed = await inventory.put(
        f"/v1/products/{gtin}", headers=ADMIN, json={**body, "name": "Renamed while stocked"}
    )
    assert renamed.status_code == 200, renamed.text
    cool = await inventory.put(
        f"/v1/products/{gtin}", headers=ADMIN, json={**body, "storage_class": "cool"}
    )
    assert cool.status_code == 200, cool.text

    for location, lot in lots.items():
        gone = await inventory.post(
            "/v1/disposals",
            headers=SCANNER,
            json={"gtin": gtin, "lot": lot, "qty": 2, "location": location, "reason": "damaged"},
        )
        assert gone.status_code == 201, gone.text
    emptied = await inventory.put(
        f"/v1/products/{gtin}", headers=ADMIN, json={**body, "storage_class": "ambient"}
    )
    assert emptied.status_code == 200, emptied.text
