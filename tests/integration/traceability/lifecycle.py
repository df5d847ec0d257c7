"""Driving a lot through inventory's REST at chosen instants: received from a supplier,
moved, picked to three consignees, partly disposed, recalled, one consignee returning."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx

from lotledger.shared.clock import ManualClock
from lotledger.shared.urls import lot_segment
from tests.support.stock import QA, SCANNER
from tests.support.world import COLD, PHARMACIES, SUPPLIER

A1, A2, Q1 = "WH1/COLD-A/01", "WH1/COLD-A/02", "WH1/COLD-Q/01"


@dataclass(frozen=True)
class Lifecycle:
    gtin: str
    lot: str
    start: datetime

    def at(self, hours: float) -> datetime:
        return self.start + timedelta(hours=hours)


async def _post(
    client: httpx.AsyncClient, path: str, body: dict[str, object], qa: bool = False
) -> None:
    response = await client.post(path, json=body, headers=QA if qa else SCANNER)
    assert response.status_code == 201, response.text


async def live_through(
    client: httpx.AsyncClient, clock: ManualClock, lot: str, start: datetime
) -> Lifecycle:
    life = Lifecycle(COLD, lot, start)
    k = {"gtin": COLD, "lot": lot}
    steps: list[tuple[float, str, dict[str, object], bool]] = [
        (
            0,
            "/v1/receipts",
            {
                **k,
                "expiry": "2028-06-30",
                "qty": 100,
                "location": A1,
                "supplier": SUPPLIER,
                "reference": "PO-7",
            },
            False,
        ),
        (1, "/v1/moves", {**k, "qty": 30, "from_location": A1, "to_location": A2}, False),
        (
            2,
            "/v1/picks",
            {**k, "qty": 20, "location": A1, "order_ref": "SO-1", "ship_to": PHARMACIES[0]},
            False,
        ),
        (
            3,
            "/v1/picks",
            {**k, "qty": 10, "location": A2, "order_ref": "SO-2", "ship_to": PHARMACIES[1]},
            False,
        ),
        (
            4,
            "/v1/picks",
            {**k, "qty": 15, "location": A1, "order_ref": "SO-3", "ship_to": PHARMACIES[2]},
            False,
        ),
        (
            5,
            "/v1/disposals",
            {**k, "qty": 5, "location": A2, "reason": "damaged", "witness": "qa-2"},
            False,
        ),
        (
            6,
            f"/v1/batches/{COLD}/{lot_segment(lot)}/recall",
            {"recall_id": "RC-1", "class": "II", "reason": "stability"},
            True,
        ),
        (
            7,
            "/v1/returns",
            {**k, "qty": 4, "location": Q1, "from_party": PHARMACIES[0], "reason": "recall"},
            False,
        ),
    ]
    for hours, path, body, qa in steps:
        clock.set(life.at(hours))
        await _post(client, path, body, qa)
    return life
