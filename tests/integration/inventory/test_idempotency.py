"""Guarantee 5: a retried request with the same Idempotency-Key returns the first
response and appends nothing; the same key with another body is refused."""

import asyncio

import httpx

from tests.support.stock import SCANNER, receive, snapshot
from tests.support.world import COLD, PHARMACIES, SUPPLIER, fresh_lot


async def test_retries_return_the_first_response_and_append_once(
    inventory: httpx.AsyncClient,
) -> None:
    lot = fresh_lot("IDEM")
    body = {
        "gtin": COLD,
        "lot": lot,
        "expiry": "2027-06-30",
        "qty": 7,
        "location": "WH1/COLD-A/01",
        "supplier": SUPPLIER,
    }
    headers = {**SCANNER, "Idempotency-Key": f"receipt-{lot}"}
    first = await inventory.post("/v1/receipts", json=body, headers=headers)
    assert first.status_code == 201
    reordered = dict(reversed(list(body.items())))
    again = await inventory.post("/v1/receipts", json=reordered, headers=headers)
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    state = await snapshot(inventory, COLD, lot)
    assert state is not None
    assert state.version == 1
    assert state.on_hand == {"WH1/COLD-A/01": 7}


async def test_same_key_with_another_body_is_refused(inventory: httpx.AsyncClient) -> None:
    lot = fresh_lot("IDEM")
    await receive(inventory, COLD, lot, 9)
    headers = {**SCANNER, "Idempotency-Key": f"pick-{lot}"}
    pick = {
        "gtin": COLD,
        "lot": lot,
        "qty": 1,
        "location": "WH1/COLD-A/01",
        "order_ref": "SO-1",
        "ship_to": PHARMACIES[0],
    }
    assert (await inventory.post("/v1/picks", json=pick, headers=headers)).status_code == 201
    changed = await inventory.post("/v1/picks", json={**pick, "qty": 2}, headers=headers)
    assert changed.status_code == 409
    assert changed.json()["type"] == "urn:lotledger:problem:conflict"
    assert changed.json()["errors"][0]["field"] == "Idempotency-Key"
    state = await snapshot(inventory, COLD, lot)
    assert state is not None
    assert state.on_hand == {"WH1/COLD-A/01": 8}


async def test_concurrent_duplicates_append_once(inventory: httpx.AsyncClient) -> None:
    lot = fresh_lot("IDEM")
    await receive(inventory, COLD, lot, 20)
    headers = {**SCANNER, "Idempotency-Key": f"burst-{lot}"}
    pick = {
        "gtin": COLD,
        "lot": lot,
        "qty": 3,
        "location": "WH1/COLD-A/01",
        "order_ref": "SO-9",
        "ship_to": PHARMACIES[1],
    }
    responses = await asyncio.gather(
        *(inventory.post("/v1/picks", json=pick, headers=headers) for _ in range(10))
    )
    assert {r.status_code for r in responses} == {201}
    assert len({r.text for r in responses}) == 1
    state = await snapshot(inventory, COLD, lot)
    assert state is not None
    assert state.on_hand == {"WH1/COLD-A/01": 17}
    assert state.version == 2


async def test_refusals_are_not_stored(inventory: httpx.AsyncClient) -> None:
    lot = fresh_lot("IDEM")
    await receive(inventory, COLD, lot, 1)
    headers = {**SCANNER, "Idempotency-Key": f"short-{lot}"}
    pick = {
        "gtin": COLD,
        "lot": lot,
        "qty": 2,
        "location": "WH1/COLD-A/01",
        "order_ref": "SO-3",
        "ship_to": PHARMACIES[1],
    }
    assert (await inventory.post("/v1/picks", json=pick, headers=headers)).status_code == 409
    await receive(inventory, COLD, lot, 1)
    assert (await inventory.post("/v1/picks", json=pick, headers=headers)).status_code == 201
