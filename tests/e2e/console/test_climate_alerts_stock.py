"""The excursion chart, the live alerts board and the stock dashboard in a real browser."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

from playwright.async_api import Browser, expect

from tests.e2e.console.conftest import accessible, own_product, projected, signed_in, until
from tests.support.processes import System
from tests.support.stock import QA, SCANNER
from tests.support.tokens import bearer, token
from tests.support.world import SUPPLIER, fresh_lot, register_sensor

ADMIN = bearer("admin")
SENSOR = bearer("sensor", warehouses=["WH1"])
PROFILE = [5.2, 5.6, 9.4, 11.2, 10.1, 6.0, 5.3]
"""°C, one reading a second: above 8 °C for the middle three."""


def receipt(
    gtin: str, lot: str, qty: int, location: str, expiry: str = "2028-11-30"
) -> dict[str, Any]:
    return {
        "gtin": gtin,
        "lot": lot,
        "expiry": expiry,
        "qty": qty,
        "location": location,
        "supplier": SUPPLIER,
        "reference": "PO-CONSOLE",
    }


async def test_an_excursion_page_draws_the_readings_with_the_range_band(
    browser: Browser, system: System
) -> None:
    gtin = await own_product(system)
    room = f"WH1/CONSOLE-{fresh_lot('')}/01"
    lot = fresh_lot("CEXC")
    async with system.client("inventory") as inventory:
        location = {
            "warehouse": "WH1",
            "name": "console cold room",
            "kind": "storage",
            "storage_class": "cold",
            "temp_min_c": 2,
            "temp_max_c": 8,
            "humidity_min_pct": 35,
            "humidity_max_pct": 75,
        }
        put = await inventory.put(f"/v1/locations/{room}", json=location, headers=ADMIN)
        assert put.status_code in (200, 201), put.text
        got = await inventory.post(
            "/v1/receipts", json=receipt(gtin, lot, 24, room), headers=SCANNER
        )
        assert got.status_code == 201, got.text
        sensor = "T-" + room.replace("/", "-")
        await register_sensor(inventory, ADMIN, sensor, room)
        await asyncio.sleep(1)
        for celsius in PROFILE:
            reading = {
                "sensor": sensor,
                "location": room,
                "at": datetime.now(UTC).isoformat(),
                "temperature_c": celsius,
                "humidity_pct": 51.0,
            }
            sent = await inventory.post(
                "/v1/telemetry/readings", json={"readings": [reading]}, headers=SENSOR
            )
            assert sent.status_code == 202, sent.text
            assert sent.json()["refused"] == 0, sent.text
            await asyncio.sleep(1)

    async def ended() -> str | None:
        async with system.client("traceability") as t:
            r = await t.get(
                "/v1/excursions", params={"location": room, "open": "false"}, headers=QA
            )
        items = r.json()["items"] if r.status_code == 200 else []
        return str(items[0]["excursion_id"]) if items else None

    excursion_id = await until(ended, f"no ended excursion at {room}")
    context, page = await signed_in(browser, system, token("qa", sub="qa-clara"))
    try:
        await page.goto(f"/excursions/{excursion_id}")
        chart = page.locator("#chart")
        await expect(chart).to_have_attribute("data-ready", "true")
        await expect(chart).to_have_attribute("data-band", "2-8")
        shade = await chart.get_attribute("data-shade")
        assert shade is not None
        assert int(shade.removesuffix("px")) > 0
        assert await chart.locator("canvas").count() >= 1
        await expect(page.locator("header.page-head")).to_contain_text("Peak 11.2 °C")
        await expect(page.locator("#exposed tbody tr").filter(has_text=lot)).to_have_count(1)
        await accessible(page, "excursion")
    finally:
        await context.close()


async def test_a_new_alert_appears_on_the_open_board_without_reload_and_is_acknowledged(
    browser: Browser, system: System
) -> None:
    gtin = await own_product(system)
    context, page = await signed_in(browser, system, token("qa", sub="qa-mia"))
    try:
        await page.goto("/alerts")
        await expect(page.locator("#alerts-table")).to_be_visible()
        await page.evaluate("window.__sameDocument = true")

        lot = fresh_lot("CALR")
        soon = (date.today() + timedelta(days=20)).isoformat()
        async with system.client("inventory") as inventory:
            body = receipt(gtin, lot, 9, "WH1/COLD-A/01", expiry=soon)
            got = await inventory.post("/v1/receipts", json=body, headers=SCANNER)
            assert got.status_code == 201, got.text

        async def raised() -> str | None:
            async with system.client("alerts") as alerts:
                r = await alerts.get(
                    "/v1/alerts", params={"type": "near_expiry", "gtin": gtin}, headers=QA
                )
            ours = [a for a in r.json()["items"] if lot in a["subject"]]
            return str(ours[0]["alert_id"]) if ours else None

        alert_id = await until(raised, f"no near_expiry alert for {lot}")
        row = page.locator(f'tr[data-alert-id="{alert_id}"]')
        await expect(row).to_be_visible(timeout=20_000)
        assert await page.evaluate("window.__sameDocument") is True
        await expect(row).to_contain_text("raised")
        await accessible(page, "alerts")

        unsigned = await page.request.post(
            f"/alerts/{alert_id}/resolve", form={"back": "status=open"}, max_redirects=0
        )
        assert unsigned.status == 403

        await row.get_by_role("button", name="Acknowledge").click()
        await expect(row).to_contain_text("acknowledged", timeout=10_000)
        await expect(row).to_contain_text("qa-mia")
        assert await page.evaluate("window.__sameDocument") is True
        async with system.client("alerts") as alerts:
            seen = (await alerts.get(f"/v1/alerts/{alert_id}", headers=QA)).json()
        assert (seen["status"], seen["acknowledged_by"]) == ("acknowledged", "qa-mia")
    finally:
        await context.close()


async def test_the_stock_page_shows_expiry_buckets_holds_and_downloads_its_lines(
    browser: Browser, system: System
) -> None:
    gtin = await own_product(system)
    held, soon = fresh_lot("CHLD"), fresh_lot("CSOON")
    expiring = (date.today() + timedelta(days=25)).isoformat()
    async with system.client("inventory") as inventory:
        for lot, expiry in ((held, "2028-11-30"), (soon, expiring)):
            got = await inventory.post(
                "/v1/receipts",
                json=receipt(gtin, lot, 13, "WH1/COLD-A/02", expiry),
                headers=SCANNER,
            )
            assert got.status_code == 201, got.text
        hold = await inventory.post(
            f"/v1/batches/{gtin}/{held}/quarantine", json={"reason": "inspection"}, headers=QA
        )
        assert hold.status_code == 201, hold.text
    await projected(system, gtin, held, 2)
    context, page = await signed_in(browser, system, token("qa", warehouses=["WH1"], sub="qa-wh1"))
    try:
        await page.goto("/stock?warehouse=WH1")
        await expect(page.locator("#expiry-chart rect.bar")).to_have_count(5)
        near = page.locator("#buckets tbody tr").filter(has_text="< 30 days")
        await expect(near.locator("td").nth(1)).not_to_have_text("0")
        await expect(page.locator("#held tbody tr").filter(has_text=held)).to_contain_text(
            "quarantined"
        )
        await expect(page.locator("#levels tbody tr").first).to_be_visible()
        await accessible(page, "stock")

        async with page.expect_download() as downloading:
            await page.get_by_role("link", name="Download CSV").click()
        download = await downloading.value
        text = (await download.path()).read_text(encoding="utf-8-sig")
        rows = {r["lot"]: r for r in csv.DictReader(io.StringIO(text))}
        assert rows[held]["status"] == "quarantined"
        assert rows[soon]["expiry_bucket"] == "< 30 days"
        assert {r["warehouse"] for r in rows.values()} == {"WH1"}

        refused = await page.goto("/stock?warehouse=WH2")
        assert refused is not None
        assert refused.status == 403
    finally:
        await context.close()
