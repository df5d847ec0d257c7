"""A `client_op_id` names one operation: the same id twice in one `/v1/operations` request
can never succeed, so the request is refused whole (422, naming the repeated entry) and
nothing is appended."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.stock import SCANNER, snapshot
from tests.support.world import COLD, SUPPLIER, fresh_lot


def receipt(lot: str, client_op_id: str) -> dict[str, Any]:
    return {
        "op": "receipt",
        "client_op_id": client_op_id,
        "gtin": COLD,
        "lot": lot,
        "expiry": "2027-05-31",
        "qty": 2,
        "location": "WH1/COLD-A/01",
        "supplier": SUPPLIER,
    }


async def test_a_repeated_client_op_id_is_refused_whole(inventory: httpx.AsyncClient) -> None:
    lot = fresh_lot("DUP")
    ops = [receipt(lot, f"{lot}-1"), receipt(lot, f"{lot}-2"), receipt(lot, f"{lot}-1")]
    response = await inventory.post("/v1/operations", json={"operations": ops}, headers=SCANNER)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422
    assert problem["errors"] == [
        {
            "field": "operations.2.client_op_id",
            "rule": "unique",
            "message": f"client_op_id {lot}-1 is also operations.0's",
        }
    ]
    assert await snapshot(inventory, COLD, lot) is None
