"""A supplier's EPCIS documents for serialised pallets (the bench's generator,
`lotledger_bench.generator.pallets`, shared by the tests, the bench and the demo) and the
inventory calls the serial tests make."""

from typing import Any

import httpx
from lotledger_bench.generator.pallets import Pallet, document, fresh_sscc, pallet, sscc_urn

from lotledger.shared.urls import lot_segment
from tests.support.stock import READER, SCANNER
from tests.support.tokens import bearer
from tests.support.world import fresh_lot, fresh_product

__all__ = ["Pallet", "document", "fresh_sscc", "pallet", "sscc_urn"]

ADMIN = bearer("admin")
EXPIRY = "2027-06-30"


async def serialised_pallet(client: httpx.AsyncClient, **shape: int) -> Pallet:
    gtin = await fresh_product(client, ADMIN, serialised=True)
    return pallet(gtin, fresh_lot("SP"), EXPIRY, **shape)


async def post(client: httpx.AsyncClient, path: str, body: Any, status: int = 201) -> Any:
    response = await client.post(path, headers=SCANNER, json=body)
    assert response.status_code == status, response.text
    return response.json()


async def events(client: httpx.AsyncClient, gtin: str, lot: str) -> list[dict[str, Any]]:
    response = await client.get(f"/v1/batches/{gtin}/{lot_segment(lot)}/events", headers=READER)
    assert response.status_code == 200, response.text
    events: list[dict[str, Any]] = response.json()["events"]
    return events


async def state(client: httpx.AsyncClient, gtin: str, serial: str) -> dict[str, Any]:
    response = await client.get(f"/v1/serials/{gtin}/{serial}", headers=READER)
    assert response.status_code == 200, response.text
    state: dict[str, Any] = response.json()
    return state
