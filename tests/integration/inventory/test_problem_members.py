"""Refusals that carry a batch's status answer `status` = the HTTP status (RFC 9457) and the
batch's status as `batch_status`, as single requests and inside `/v1/operations`."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from lotledger.shared.urls import lot_segment
from tests.support.stock import QA, SCANNER, receive
from tests.support.world import COLD, PHARMACIES, fresh_lot

STATUS_BODIES: dict[str, dict[str, str]] = {
    "quarantine": {"reason": "temperature"},
    "reject": {"reason": "failed-qc"},
    "recall": {"recall_id": "RC-9", "class": "II", "reason": "mislabel"},
}


def pick(lot: str) -> dict[str, Any]:
    return {
        "gtin": COLD,
        "lot": lot,
        "qty": 1,
        "location": "WH1/COLD-A/01",
        "order_ref": "SO-9",
        "ship_to": PHARMACIES[0],
    }


def assert_problem(problem: dict[str, Any], status: int, slug: str, batch_status: str) -> None:
    assert problem["status"] == status
    assert problem["type"] == f"urn:lotledger:problem:{slug}"
    assert problem["batch_status"] == batch_status


@pytest.mark.parametrize(
    ("action", "slug", "batch_status"),
    [
        ("quarantine", "batch-quarantined", "quarantined"),
        ("reject", "batch-rejected", "rejected"),
        ("recall", "batch-recalled", "recalled"),
    ],
)
async def test_unavailable_batch_refusals_keep_the_http_status(
    inventory: httpx.AsyncClient, action: str, slug: str, batch_status: str
) -> None:
    lot = fresh_lot("PM")
    await receive(inventory, COLD, lot, 5)
    changed = await inventory.post(
        f"/v1/batches/{COLD}/{lot_segment(lot)}/{action}", json=STATUS_BODIES[action], headers=QA
    )
    assert changed.status_code == 201, changed.text

    single = await inventory.post("/v1/picks", json=pick(lot), headers=SCANNER)
    assert single.status_code == 409
    assert_problem(single.json(), 409, slug, batch_status)

    operations = [{"op": "pick", "client_op_id": f"{lot}-p", **pick(lot)}]
    batch = await inventory.post("/v1/operations", json={"operations": operations}, headers=SCANNER)
    [result] = batch.json()["results"]
    assert result["status"] == 409
    assert_problem(result["problem"], 409, slug, batch_status)


async def test_invalid_status_change_keeps_the_http_status(inventory: httpx.AsyncClient) -> None:
    lot = fresh_lot("PM")
    await receive(inventory, COLD, lot, 5)
    single = await inventory.post(
        f"/v1/batches/{COLD}/{lot_segment(lot)}/release", json={}, headers=QA
    )
    assert single.status_code == 409
    assert_problem(single.json(), 409, "invalid-status-change", "available")

    operation = {"op": "release", "client_op_id": f"{lot}-r", "gtin": COLD, "lot": lot}
    batch = await inventory.post("/v1/operations", json={"operations": [operation]}, headers=QA)
    [result] = batch.json()["results"]
    assert result["status"] == 409
    assert_problem(result["problem"], 409, "invalid-status-change", "available")
