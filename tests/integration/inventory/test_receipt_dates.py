"""A receipt's dates are plausible and exactly `YYYY-MM-DD`: a manufacturing date after
the expiry or later than today in the warehouse's time zone is refused (422 naming
`manufactured` and the rule), on every path a receipt takes; nothing is written."""

from typing import Any

import httpx
import pytest

from tests.support.stock import SCANNER, problem_type, snapshot
from tests.support.tokens import bearer
from tests.support.world import COLD, LOCATIONS, SUPPLIER, fresh_lot


def receipt(lot: str, **dates: Any) -> dict[str, Any]:
    return {
        "gtin": COLD,
        "lot": lot,
        "expiry": "2027-06-30",
        "qty": 3,
        "location": "WH1/COLD-A/01",
        "supplier": SUPPLIER,
        **dates,
    }


async def post_receipt(
    client: httpx.AsyncClient, body: dict[str, Any], via: str
) -> tuple[int, dict[str, Any]]:
    if via == "single":
        response = await client.post("/v1/receipts", headers=SCANNER, json=body)
        return response.status_code, response.json()
    response = await client.post(
        "/v1/operations",
        headers=SCANNER,
        json={"operations": [{"op": "receipt", "client_op_id": f"d-{fresh_lot()}", **body}]},
    )
    result = response.json()["results"][0]
    return result["status"], result["problem"] or result["result"]


@pytest.mark.parametrize("via", ["single", "operations"])
@pytest.mark.parametrize(
    ("dates", "field", "rule"),
    [
        ({"expiry": "2027-01-31T00:00:00Z"}, "expiry", "date_format"),
        ({"expiry": "2027-01-31T00:00:00"}, "expiry", "date_format"),
        ({"manufactured": "2026-01-31T00:00:00+00:00"}, "manufactured", "date_format"),
        ({"expiry": "20270131"}, "expiry", "date_format"),
        ({"manufactured": "2027-07-01"}, "manufactured", "manufactured-after-expiry"),
        (
            {"manufactured": "2999-01-01", "expiry": "2999-12-31"},
            "manufactured",
            "manufactured-in-future",
        ),
        ({"manufactured": "2026-11-25"}, "manufactured", "manufactured-in-future"),
    ],
)
async def test_implausible_or_malformed_dates_are_refused(
    inventory: httpx.AsyncClient, via: str, dates: dict[str, str], field: str, rule: str
) -> None:
    lot = fresh_lot("DT")
    status, problem = await post_receipt(inventory, receipt(lot, **dates), via)
    assert status == 422, problem
    assert [(e["field"], e["rule"]) for e in problem["errors"]] == [(field, rule)]
    assert await snapshot(inventory, COLD, lot) is None


async def test_a_future_manufacturing_date_is_judged_in_the_warehouse_time_zone(
    inventory: httpx.AsyncClient,
) -> None:
    """The suite's clock stands at 2026-11-24 10:00 UTC: the 24th in UTC, already the
    25th at UTC+14 (and the 25th is refused in UTC, above)."""
    kiritimati = "WH1/COLD-KI/01"
    registered = await inventory.put(
        f"/v1/locations/{kiritimati}",
        headers=bearer("admin"),
        json={**LOCATIONS["WH1/COLD-A/01"], "timezone": "Pacific/Kiritimati"},
    )
    assert registered.status_code in (200, 201), registered.text
    for location, manufactured in (("WH1/COLD-A/01", "2026-11-24"), (kiritimati, "2026-11-25")):
        body = receipt(fresh_lot("DT"), manufactured=manufactured, location=location)
        status, answer = await post_receipt(inventory, body, "single")
        assert status == 201, answer


async def test_a_barcode_with_an_implausible_production_date_is_refused(
    inventory: httpx.AsyncClient,
) -> None:
    lot = fresh_lot("DT")
    for production, rule in (("270101", "manufactured-in-future"), ("261101", None)):
        response = await inventory.post(
            "/v1/receipts",
            headers=SCANNER,
            json={
                "barcode": f"(01){COLD}(11){production}(17)270630(10){lot}",
                "qty": 1,
                "location": "WH1/COLD-A/01",
                "supplier": SUPPLIER,
            },
        )
        if rule is None:
            assert response.status_code == 201, response.text
        else:
            assert response.status_code == 422, response.text
            assert problem_type(response) == rule
            assert response.json()["errors"][0]["field"] == "manufactured"
