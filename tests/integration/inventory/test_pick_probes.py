"""What a pick reads before deciding is bounded without changing the answer: an explicit
lot's short read of earlier lots (enough to mark a FEFO deviation) never sends the
request back for a wider read, so an oversized pick is `insufficient-stock`, not an
endless retry."""

import httpx

from tests.support.stock import SCANNER, problem_type, receive
from tests.support.tokens import bearer
from tests.support.world import PHARMACIES, fresh_product


async def test_an_oversized_pick_of_a_late_lot_behind_many_earlier_lots_is_insufficient_stock(
    inventory: httpx.AsyncClient,
) -> None:
    gtin = await fresh_product(inventory, bearer("admin"))
    for month in range(1, 6):
        await receive(inventory, gtin, f"EARLY{month}", 1, expiry=f"2027-0{month}-28")
    await receive(inventory, gtin, "LATE", 2, expiry="2027-12-31")
    response = await inventory.post(
        "/v1/picks",
        headers=SCANNER,
        json={
            "gtin": gtin,
            "lot": "LATE",
            "qty": 3,
            "location": "WH1/COLD-A/01",
            "order_ref": "SO-PB",
            "ship_to": PHARMACIES[0],
        },
    )
    assert response.status_code == 409, response.text
    assert problem_type(response) == "insufficient-stock"
    assert response.json()["available"] == 2
