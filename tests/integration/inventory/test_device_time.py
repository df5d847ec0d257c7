"""Device time over HTTP (docs/adr/0012-device-time.md): `scanned_at` becomes the events'
`at` and envelope `time`, the server's instant their `recordedtime`; the stream stays in
recorded order; a scanned_at beyond the tolerance or the horizon is a 422 naming it; a
back-dated pick is refused when the stock was not there then; a pick between a count and
its posting survives the count."""

from datetime import timedelta
from typing import Any

import httpx

from lotledger.shared.urls import lot_segment
from tests.integration.conftest import TODAY
from tests.integration.inventory.test_refusals import pick_body
from tests.support.stock import READER, SCANNER, problem_type, receive
from tests.support.world import COLD, SUPPLIER, fresh_lot

A = "WH1/COLD-A/01"
H = timedelta(hours=1)


def _at(delta: timedelta) -> str:
    return (TODAY + delta).isoformat()


def _receipt(lot: str, qty: int, scanned: str) -> dict[str, object]:
    return {
        "gtin": COLD,
        "lot": lot,
        "expiry": "2027-06-30",
        "qty": qty,
        "location": A,
        "supplier": SUPPLIER,
        "scanned_at": scanned,
    }


async def _events(client: httpx.AsyncClient, lot: str) -> list[dict[str, Any]]:
    response = await client.get(f"/v1/batches/{COLD}/{lot_segment(lot)}/events", headers=READER)
    body = response.json()
    assert body["chain_valid"], body
    return list(body["events"])


async def test_scanned_at_is_when_it_happened_and_recordedtime_when_recorded(
    inventory: httpx.AsyncClient,
) -> None:
    lot = fresh_lot("DT")
    await receive(inventory, COLD, lot, 5)
    offline = await inventory.post(
        "/v1/receipts", headers=SCANNER, json=_receipt(lot, 3, "2026-11-24T16:00:00+08:00")
    )
    assert offline.status_code == 201, offline.text
    first, second = await _events(inventory, lot)
    assert (first["time"], first["recordedtime"]) == (
        "2026-11-24T10:00:00.000000Z",
        "2026-11-24T10:00:00.000000Z",
    )
    assert (second["time"], second["recordedtime"], second["streamversion"]) == (
        "2026-11-24T08:00:00.000000Z",
        "2026-11-24T10:00:00.000000Z",
        2,
    )
    assert second["data"]["at"].startswith("2026-11-24T08:00:00")


async def test_scanned_at_beyond_tolerance_or_horizon_is_refused(
    inventory: httpx.AsyncClient,
) -> None:
    lot = fresh_lot("DT")
    ahead = await inventory.post(
        "/v1/receipts", headers=SCANNER, json=_receipt(lot, 1, _at(timedelta(minutes=6)))
    )
    assert (ahead.status_code, problem_type(ahead)) == (422, "scanned-at-in-future")
    assert ahead.json()["errors"][0]["field"] == "scanned_at"
    old = await inventory.post(
        "/v1/receipts", headers=SCANNER, json=_receipt(lot, 1, _at(-timedelta(days=8)))
    )
    assert (old.status_code, problem_type(old)) == (422, "scanned-at-beyond-horizon")
    naive = await inventory.post(
        "/v1/receipts", headers=SCANNER, json=_receipt(lot, 1, "2026-11-24T09:00:00")
    )
    assert naive.status_code == 422, naive.text


async def test_a_back_dated_pick_needs_the_stock_to_have_been_there(
    inventory: httpx.AsyncClient,
) -> None:
    lot = fresh_lot("DT")
    await receive(inventory, COLD, lot, 10)
    early = await inventory.post(
        "/v1/picks", headers=SCANNER, json={**pick_body(lot, 1), "scanned_at": _at(-H)}
    )
    assert (early.status_code, problem_type(early)) == (409, "insufficient-stock"), early.text
    offline = await inventory.post(
        "/v1/receipts", headers=SCANNER, json=_receipt(lot, 4, _at(-2 * H))
    )
    assert offline.status_code == 201
    ok = await inventory.post(
        "/v1/picks", headers=SCANNER, json={**pick_body(lot, 4), "scanned_at": _at(-H)}
    )
    assert ok.status_code == 201, ok.text
    again = await inventory.post(
        "/v1/picks", headers=SCANNER, json={**pick_body(lot, 1), "scanned_at": _at(-H)}
    )
    assert again.status_code == 409, again.text
    assert again.json()["available"] == 0


async def test_a_pick_between_count_and_posting_survives_the_count(
    inventory: httpx.AsyncClient,
) -> None:
    lot = fresh_lot("CF")
    received = await inventory.post(
        "/v1/receipts", headers=SCANNER, json=_receipt(lot, 10, _at(-2 * H))
    )
    assert received.status_code == 201
    counted_at = _at(-H)
    picked = await inventory.post("/v1/picks", headers=SCANNER, json=pick_body(lot, 3))
    assert picked.status_code == 201
    posting = await inventory.post(
        "/v1/stocktakes",
        headers=SCANNER,
        json={
            "stocktake_id": f"ST-{lot}",
            "location": A,
            "counted_at": counted_at,
            "lines": [{"gtin": COLD, "lot": lot, "location": A, "counted_qty": 9}],
        },
    )
    assert posting.status_code == 200, posting.text
    [variance] = posting.json()["variances"]
    assert (variance["expected_qty"], variance["variance"]) == (10, -1)
    batch = (await inventory.get(f"/v1/batches/{COLD}/{lot_segment(lot)}", headers=READER)).json()
    assert batch["on_hand"] == {A: 6}
    counted = (await _events(inventory, lot))[-1]
    assert counted["data"]["moved_since"] == -3
