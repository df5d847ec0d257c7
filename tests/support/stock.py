"""Small helpers for driving the inventory API in tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from lotledger.shared.urls import lot_segment
from tests.support.tokens import bearer
from tests.support.world import SUPPLIER

SCANNER = bearer("scanner", warehouses=["WH1"])
QA = bearer("qa", warehouses=["*"])
READER = bearer("erp", warehouses=["*"])


@dataclass(frozen=True)
class Snapshot:
    version: int
    on_hand: dict[str, int]
    status: str | None
    event_ids: tuple[str, ...]


async def receive(
    client: httpx.AsyncClient,
    gtin: str,
    lot: str,
    qty: int,
    location: str = "WH1/COLD-A/01",
    expiry: str = "2027-06-30",
    headers: dict[str, str] = SCANNER,
) -> dict[str, Any]:
    response = await client.post(
        "/v1/receipts",
        headers=headers,
        json={
            "gtin": gtin,
            "lot": lot,
            "expiry": expiry,
            "qty": qty,
            "location": location,
            "supplier": SUPPLIER,
            "reference": "PO-1",
        },
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def snapshot(client: httpx.AsyncClient, gtin: str, lot: str) -> Snapshot | None:
    batch = await client.get(f"/v1/batches/{gtin}/{lot_segment(lot)}", headers=READER)
    if batch.status_code == 404:
        return None
    events = (
        await client.get(f"/v1/batches/{gtin}/{lot_segment(lot)}/events", headers=READER)
    ).json()
    body = batch.json()
    return Snapshot(
        body["version"], body["on_hand"], body["status"], tuple(e["id"] for e in events["events"])
    )


def problem_type(response: httpx.Response) -> str:
    """The problem's slug, once its `status` member is checked against the HTTP status."""
    assert response.headers["content-type"] == "application/problem+json", response.text
    body = response.json()
    assert body["status"] == response.status_code, body
    return str(body["type"]).rsplit(":", 1)[1]


async def post_operations(
    client: httpx.AsyncClient, operations: list[dict[str, Any]], headers: dict[str, str] = SCANNER
) -> None:
    """`/v1/operations` in requests of at most 1,000, every operation accepted."""
    for start in range(0, len(operations), 1000):
        response = await client.post(
            "/v1/operations", headers=headers, json={"operations": operations[start : start + 1000]}
        )
        assert response.status_code == 200, response.text
        assert response.json()["refused"] == 0, response.text
