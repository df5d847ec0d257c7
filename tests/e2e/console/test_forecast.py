"""The forecast page in a real browser: the at-risk lots of a warehouse and the forecast
stock chart of a product."""

from __future__ import annotations

from datetime import date, timedelta

from playwright.async_api import Browser, expect

from tests.e2e.console.conftest import accessible, own_product, signed_in, until
from tests.support.processes import System
from tests.support.stock import SCANNER
from tests.support.tokens import bearer, token
from tests.support.world import SUPPLIER, fresh_lot

QTY = 900_000
"""Never picked, so every unit is at risk: more than any other test's product, so the
product leads the page's top list."""


async def test_the_forecast_page_lists_lots_at_risk_and_charts_forecast_stock(
    browser: Browser, system: System
) -> None:
    gtin = await own_product(system)
    lot = fresh_lot("CFC")
    expiry = (date.today() + timedelta(days=20)).isoformat()
    body = {"gtin": gtin, "lot": lot, "expiry": expiry, "qty": QTY,
            "location": "WH1/COLD-A/02", "supplier": SUPPLIER}  # fmt: skip
    async with system.client("inventory") as inventory:
        got = await inventory.post("/v1/receipts", json=body, headers=SCANNER)
        assert got.status_code == 201, got.text

    async def kept() -> bool:
        async with system.client("alerts") as alerts:
            r = await alerts.get(
                "/v1/forecast/expiry-risk", params={"warehouse": "WH1"}, headers=bearer("qa")
            )
        return r.status_code == 200 and any(i["gtin"] == gtin for i in r.json()["items"])

    await until(kept, "the product's forecast was never kept")
    context, page = await signed_in(browser, system, token("qa", warehouses=["WH1"], sub="qa-fc"))
    try:
        await page.goto("/forecast?warehouse=WH1")
        row = page.locator("#at-risk tbody tr").filter(has_text=lot)
        await expect(row).to_contain_text("900,000")
        await accessible(page, "forecast")

        await row.get_by_role("link").click()
        await expect(page.locator("#chart")).to_have_attribute("data-ready", "true")
        await expect(page.locator("#chart")).to_have_attribute("data-points", "22")
        await expect(page.locator("#lots tbody tr").filter(has_text=lot)).to_be_visible()

        refused = await page.goto("/forecast?warehouse=WH2")
        assert refused is not None
        assert refused.status == 403
        bad = await page.goto("/forecast?gtin=123")
        assert bad is not None
        assert bad.status == 422
    finally:
        await context.close()
