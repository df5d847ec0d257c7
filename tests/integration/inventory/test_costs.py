"""Costs and replenishment master data (issue 16): a receipt may carry what one unit cost
in an ISO 4217 currency, both or neither, and the received event records them; a product
takes a default cost, lead time and service level (per warehouse too). Malformed money is
refused with 422 naming the field and the rule, on every path a receipt takes."""

from typing import Any

import httpx
import pytest

from lotledger.shared.urls import lot_segment
from tests.integration.inventory.test_receipt_dates import post_receipt, receipt
from tests.support.stock import READER, snapshot
from tests.support.tokens import bearer
from tests.support.world import COLD, fresh_lot, fresh_product

ADMIN = bearer("admin")


async def test_a_costed_receipt_records_its_cost_on_the_event(inventory: httpx.AsyncClient) -> None:
    lot = fresh_lot("CO")
    body = receipt(lot, unit_cost="2.125", currency="EUR")
    status, answer = await post_receipt(inventory, body, "single")
    assert status == 201, answer
    events = await inventory.get(f"/v1/batches/{COLD}/{lot_segment(lot)}/events", headers=READER)
    (received,) = events.json()["events"]
    assert (received["data"]["unit_cost"], received["data"]["currency"]) == ("2.125", "EUR")


@pytest.mark.parametrize("via", ["single", "operations"])
@pytest.mark.parametrize(
    ("money", "field", "rule"),
    [
        ({"unit_cost": "1.50", "currency": "EUX"}, "currency", "value_error"),
        ({"unit_cost": "1.50", "currency": "eur"}, "currency", "string_pattern_mismatch"),
        ({"unit_cost": "1.50"}, "currency", "value_error"),
        ({"currency": "EUR"}, "currency", "value_error"),
        ({"unit_cost": "-1", "currency": "EUR"}, "unit_cost", "greater_than_equal"),
        ({"unit_cost": "0.1234567", "currency": "EUR"}, "unit_cost", "decimal_max_places"),
        ({"unit_cost": "NaN", "currency": "EUR"}, "unit_cost", "finite_number"),
    ],
)
async def test_malformed_money_is_refused_and_nothing_written(
    inventory: httpx.AsyncClient, via: str, money: dict[str, Any], field: str, rule: str
) -> None:
    lot = fresh_lot("CO")
    status, problem = await post_receipt(inventory, receipt(lot, **money), via)
    assert status == 422, problem
    assert [(e["field"], e["rule"]) for e in problem["errors"]] == [(field, rule)]
    assert await snapshot(inventory, COLD, lot) is None


async def test_a_product_carries_cost_lead_time_and_service_level(
    inventory: httpx.AsyncClient,
) -> None:
    gtin = await fresh_product(
        inventory,
        ADMIN,
        unit_cost="4.20",
        currency="CHF",
        lead_time_days=10,
        service_level=0.98,
        expiry_risk_qty=5,
        warehouses={"WH2": {"lead_time_days": 3}},
    )
    product = (await inventory.get(f"/v1/products/{gtin}", headers=READER)).json()
    assert (product["unit_cost"], product["currency"], product["lead_time_days"]) == (
        "4.20",
        "CHF",
        10,
    )
    assert product["service_level"] == 0.98
    assert product["warehouses"]["WH2"]["lead_time_days"] == 3
    refused = await inventory.put(
        f"/v1/products/{gtin}",
        headers=ADMIN,
        json={"name": "x", "storage_class": "cold", "rx": True, "service_level": 1.0},
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["field"] == "service_level"
