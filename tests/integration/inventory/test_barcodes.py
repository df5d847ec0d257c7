"""GS1 barcodes on receipts: FNC1 (ASCII 29) separators, day-00 expiry, clear problems."""

import httpx
import pytest

from tests.support.stock import SCANNER, snapshot
from tests.support.world import COLD, SUPPLIER, fresh_lot

GS = "\x1d"


async def test_element_string_with_fnc1_and_day_00_expiry(inventory: httpx.AsyncClient) -> None:
    lot = fresh_lot("BC")
    barcode = f"]d201{COLD}17270600" + f"10{lot}{GS}21SERIAL42"
    response = await inventory.post(
        "/v1/receipts",
        headers=SCANNER,
        json={"barcode": barcode, "qty": 4, "location": "WH1/COLD-A/01", "supplier": SUPPLIER},
    )
    assert response.status_code == 201, response.text
    [batch] = response.json()["batches"]
    assert (batch["gtin"], batch["lot"], batch["expiry"]) == (COLD, lot, "2027-06-30")


async def test_human_readable_form(inventory: httpx.AsyncClient) -> None:
    lot = fresh_lot("BC")
    response = await inventory.post(
        "/v1/receipts",
        headers=SCANNER,
        json={
            "barcode": f"(01){COLD}(17)280229(11)260101(10){lot}",
            "qty": 1,
            "location": "WH1/COLD-A/01",
            "supplier": SUPPLIER,
        },
    )
    assert response.status_code == 201, response.text
    assert response.json()["batches"][0]["expiry"] == "2028-02-29"


@pytest.mark.parametrize(
    ("barcode", "mentions"),
    [
        ("hello world", "GS1"),
        (f"01{COLD}10LOTONLY", "(17)"),
        (f"01{COLD}17271301" + "10X", "(17)"),
        ("0109506000134353" + "17270630" + "10LOTX", "check digit"),
        (f"(01){COLD}(17)270630", "(10)"),
    ],
)
async def test_malformed_barcodes_get_a_clear_problem(
    inventory: httpx.AsyncClient, barcode: str, mentions: str
) -> None:
    response = await inventory.post(
        "/v1/receipts",
        headers=SCANNER,
        json={"barcode": barcode, "qty": 1, "location": "WH1/COLD-A/01", "supplier": SUPPLIER},
    )
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["type"] == "urn:lotledger:problem:invalid-barcode"
    assert problem["errors"][0]["field"] == "barcode"
    assert mentions in problem["detail"]


async def test_barcode_and_fields_together_are_refused(inventory: httpx.AsyncClient) -> None:
    lot = fresh_lot("BC")
    response = await inventory.post(
        "/v1/receipts",
        headers=SCANNER,
        json={
            "barcode": f"(01){COLD}(17)270630(10){lot}",
            "gtin": COLD,
            "qty": 1,
            "location": "WH1/COLD-A/01",
            "supplier": SUPPLIER,
        },
    )
    assert response.status_code == 422
    assert await snapshot(inventory, COLD, lot) is None
