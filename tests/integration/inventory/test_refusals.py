"""Each DESIGN §7 rule refuses with its named problem and leaves the store untouched."""

import functools
from collections.abc import Awaitable, Callable
from datetime import timedelta

import httpx
import pytest

from lotledger.inventory.bootstrap import create_app
from lotledger.inventory.settings import InventorySettings
from lotledger.shared.clock import ManualClock
from lotledger.shared.urls import lot_segment
from tests.integration.inventory.conftest import TODAY
from tests.support.apps import serve
from tests.support.stock import QA, SCANNER, problem_type, receive, snapshot
from tests.support.world import AMBIENT, COLD, PHARMACIES, SUPPLIER, fresh_lot


async def refused(
    client: httpx.AsyncClient,
    gtin: str,
    lot: str,
    expected_status: int,
    expected_type: str,
    request: Callable[[], Awaitable[httpx.Response]],
) -> dict:  # type: ignore[type-arg]
    before = await snapshot(client, gtin, lot)
    response = await request()
    assert response.status_code == expected_status, response.text
    assert problem_type(response) == expected_type
    assert await snapshot(client, gtin, lot) == before
    return dict(response.json())


def pick_body(lot: str | None, qty: int = 1, **extra: object) -> dict[str, object]:
    body = {
        "gtin": COLD,
        "lot": lot,
        "qty": qty,
        "location": "WH1/COLD-A/01",
        "order_ref": "SO-7",
        "ship_to": PHARMACIES[0],
        **extra,
    }
    return {k: v for k, v in body.items() if v is not None}


async def test_negative_stock_is_refused_everywhere(inventory: httpx.AsyncClient) -> None:
    lot = fresh_lot()
    await receive(inventory, COLD, lot, 3)
    cases = [
        ("/v1/picks", pick_body(lot, 4)),
        (
            "/v1/moves",
            {
                "gtin": COLD,
                "lot": lot,
                "qty": 4,
                "from_location": "WH1/COLD-A/01",
                "to_location": "WH1/COLD-A/02",
            },
        ),
        (
            "/v1/disposals",
            {"gtin": COLD, "lot": lot, "qty": 4, "location": "WH1/COLD-A/01", "reason": "damaged"},
        ),
        (
            "/v1/adjustments",
            {"gtin": COLD, "lot": lot, "location": "WH1/COLD-A/01", "delta": -4, "reason": "lost"},
        ),
        ("/v1/picks", pick_body(lot, 1, location="WH1/COLD-A/02")),
    ]
    for path, body in cases:
        problem = await refused(
            inventory,
            COLD,
            lot,
            409,
            "insufficient-stock",
            functools.partial(inventory.post, path, json=body, headers=SCANNER),
        )
        assert problem["errors"][0]["field"] in ("qty", "delta")


@pytest.mark.parametrize(
    ("action", "body", "expected"),
    [
        ("quarantine", {"reason": "temperature"}, "batch-quarantined"),
        ("reject", {"reason": "failed-qc"}, "batch-rejected"),
        ("recall", {"recall_id": "RC-1", "class": "II", "reason": "mislabel"}, "batch-recalled"),
    ],
)
async def test_unavailable_batches_are_not_picked(
    inventory: httpx.AsyncClient, action: str, body: dict[str, str], expected: str
) -> None:
    lot = fresh_lot()
    await receive(inventory, COLD, lot, 5)
    status = await inventory.post(
        f"/v1/batches/{COLD}/{lot_segment(lot)}/{action}", json=body, headers=QA
    )
    assert status.status_code == 201, status.text
    await refused(
        inventory,
        COLD,
        lot,
        409,
        expected,
        lambda: inventory.post("/v1/picks", json=pick_body(lot), headers=SCANNER),
    )


async def test_expired_and_short_dated_batches_are_not_picked(
    inventory_settings: InventorySettings,
) -> None:
    clock = ManualClock(TODAY)
    async with serve(create_app(inventory_settings, clock)) as client:
        lot = fresh_lot()
        await receive(client, COLD, lot, 5, expiry=TODAY.date().isoformat())
        await refused(
            client,
            COLD,
            lot,
            409,
            "shelf-life-too-short",
            lambda: client.post(
                "/v1/picks", json=pick_body(lot, min_remaining_days=1), headers=SCANNER
            ),
        )
        clock.advance(timedelta(days=1))
        await refused(
            client,
            COLD,
            lot,
            409,
            "batch-expired",
            lambda: client.post("/v1/picks", json=pick_body(lot), headers=SCANNER),
        )


async def test_expired_goods_are_not_received(inventory: httpx.AsyncClient) -> None:
    lot = fresh_lot()
    yesterday = (TODAY - timedelta(days=1)).date().isoformat()
    problem = await refused(
        inventory,
        COLD,
        lot,
        422,
        "expired-on-receipt",
        lambda: inventory.post(
            "/v1/receipts",
            headers=SCANNER,
            json={
                "gtin": COLD,
                "lot": lot,
                "expiry": yesterday,
                "qty": 1,
                "location": "WH1/COLD-A/01",
                "supplier": SUPPLIER,
            },
        ),
    )
    assert problem["errors"][0]["field"] == "expiry"


async def test_expiry_is_fixed_by_the_first_receipt(inventory: httpx.AsyncClient) -> None:
    lot = fresh_lot()
    await receive(inventory, COLD, lot, 2, expiry="2027-06-30")
    await refused(
        inventory,
        COLD,
        lot,
        409,
        "expiry-mismatch",
        lambda: inventory.post(
            "/v1/receipts",
            headers=SCANNER,
            json={
                "gtin": COLD,
                "lot": lot,
                "expiry": "2027-07-31",
                "qty": 1,
                "location": "WH1/COLD-A/01",
                "supplier": SUPPLIER,
            },
        ),
    )


async def test_storage_class_must_fit(inventory: httpx.AsyncClient) -> None:
    lot = fresh_lot()
    await receive(inventory, COLD, lot, 2)
    problem = await refused(
        inventory,
        COLD,
        lot,
        409,
        "storage-class-mismatch",
        lambda: inventory.post(
            "/v1/moves",
            headers=SCANNER,
            json={
                "gtin": COLD,
                "lot": lot,
                "qty": 1,
                "from_location": "WH1/COLD-A/01",
                "to_location": "WH1/AMB-A/01",
            },
        ),
    )
    assert problem["errors"][0]["field"] == "to_location"
    ambient_lot = fresh_lot()
    await refused(
        inventory,
        AMBIENT,
        ambient_lot,
        409,
        "storage-class-mismatch",
        lambda: inventory.post(
            "/v1/receipts",
            headers=SCANNER,
            json={
                "gtin": AMBIENT,
                "lot": ambient_lot,
                "expiry": "2027-01-31",
                "qty": 1,
                "location": "WH1/COLD-A/01",
                "supplier": SUPPLIER,
            },
        ),
    )


async def test_invalid_status_changes_are_refused(inventory: httpx.AsyncClient) -> None:
    lot = fresh_lot()
    await receive(inventory, COLD, lot, 1)
    await refused(
        inventory,
        COLD,
        lot,
        409,
        "invalid-status-change",
        lambda: inventory.post(
            f"/v1/batches/{COLD}/{lot_segment(lot)}/release", json={}, headers=QA
        ),
    )


async def test_unknown_things_are_404_and_write_nothing(inventory: httpx.AsyncClient) -> None:
    lot = fresh_lot()
    await refused(
        inventory,
        COLD,
        lot,
        404,
        "unknown-batch",
        lambda: inventory.post("/v1/picks", json=pick_body(lot), headers=SCANNER),
    )
    await refused(
        inventory,
        COLD,
        lot,
        404,
        "unknown-location",
        lambda: inventory.post(
            "/v1/receipts",
            headers=SCANNER,
            json={
                "gtin": COLD,
                "lot": lot,
                "expiry": "2027-01-31",
                "qty": 1,
                "location": "WH1/NOWHERE/1",
                "supplier": SUPPLIER,
            },
        ),
    )
    await refused(
        inventory,
        "00000000000000",
        lot,
        404,
        "unknown-product",
        lambda: inventory.post(
            "/v1/receipts",
            headers=SCANNER,
            json={
                "gtin": "00000000000000",
                "lot": lot,
                "expiry": "2027-01-31",
                "qty": 1,
                "location": "WH1/COLD-A/01",
                "supplier": SUPPLIER,
            },
        ),
    )


@pytest.mark.parametrize(
    ("body", "field", "rule"),
    [
        ({"qty": 0}, "qty", "greater_than"),
        ({"qty": 10**9 + 1}, "qty", "less_than_equal"),
        ({"qty": "5"}, "qty", "int_type"),
        ({"gtin": "09506000134353"}, "gtin", "value_error"),
        ({"lot": "LOT WITH SPACE"}, "lot", "value_error"),
        ({"supplier": "Jane Doe"}, "supplier", "value_error"),
        ({"location": "nowhere"}, "location", "value_error"),
        ({"expiry": "2027-02-30"}, "expiry", "date_from_datetime_parsing"),
        ({"surprise": 1}, "surprise", "extra_forbidden"),
    ],
)
async def test_malformed_input_is_422_naming_field_and_rule(
    inventory: httpx.AsyncClient, body: dict[str, object], field: str, rule: str
) -> None:
    lot = fresh_lot()
    valid = {
        "gtin": COLD,
        "lot": lot,
        "expiry": "2027-01-31",
        "qty": 1,
        "location": "WH1/COLD-A/01",
        "supplier": SUPPLIER,
    }
    response = await inventory.post("/v1/receipts", json={**valid, **body}, headers=SCANNER)
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert any(
        e["field"] == field and e["rule"].startswith(rule.split("_from")[0]) for e in errors
    ), errors
    assert await snapshot(inventory, COLD, lot) is None
