"""The lot page in a real browser: a lot made in the test shows its timeline and custody
graph (found by GTIN and lot, or by its barcode, even with `/`, `%` and `?` in the lot);
a long stream pages; a lot of another warehouse is refused; a recalled lot shows its
consignees and its CSV carries them."""

from __future__ import annotations

import csv
import io
from typing import Any

from playwright.async_api import Browser, expect

from lotledger.shared.urls import lot_segment
from tests.e2e.console.conftest import accessible, own_product, projected, signed_in
from tests.support.processes import System
from tests.support.stock import QA, SCANNER
from tests.support.tokens import bearer, token
from tests.support.world import PHARMACIES, SUPPLIER, fresh_lot

A1, A2 = "WH1/COLD-A/01", "WH1/COLD-A/02"
REGULATOR = token("regulator", sub="reg-rita")


async def post_all(system: System, steps: list[tuple[str, dict[str, Any], dict[str, str]]]) -> None:
    async with system.client("inventory") as inventory:
        for path, body, headers in steps:
            response = await inventory.post(path, json=body, headers=headers)
            assert response.status_code == 201, response.text


def receipt(gtin: str, lot: str, qty: int, location: str = A1) -> dict[str, Any]:
    return {
        "gtin": gtin,
        "lot": lot,
        "expiry": "2028-11-30",
        "qty": qty,
        "location": location,
        "supplier": SUPPLIER,
        "reference": "PO-CONSOLE",
    }


def pick(gtin: str, lot: str, qty: int, location: str, party: str, n: int) -> dict[str, Any]:
    return {
        "gtin": gtin,
        "lot": lot,
        "qty": qty,
        "location": location,
        "order_ref": f"SO-C-{n}",
        "ship_to": party,
    }


async def test_a_lot_made_here_shows_its_timeline_graph_verdict_and_epcis(
    browser: Browser, system: System
) -> None:
    gtin = await own_product(system)
    lot = fresh_lot("C/%?")
    k = {"gtin": gtin, "lot": lot}
    await post_all(
        system,
        [
            ("/v1/receipts", receipt(gtin, lot, 100), SCANNER),
            ("/v1/moves", {**k, "qty": 30, "from_location": A1, "to_location": A2}, SCANNER),
            ("/v1/picks", pick(gtin, lot, 20, A1, PHARMACIES[0], 1), SCANNER),
            ("/v1/picks", pick(gtin, lot, 10, A2, PHARMACIES[1], 2), SCANNER),
            ("/v1/disposals", {**k, "qty": 5, "location": A1, "reason": "damaged"}, SCANNER),
        ],
    )
    await projected(system, gtin, lot, 5)
    context, page = await signed_in(browser, system, REGULATOR)
    try:
        await accessible(page, "find")
        await page.get_by_role("textbox", name="GTIN").fill(gtin)
        await page.get_by_role("textbox", name="Lot", exact=True).fill(lot)
        await page.get_by_role("button", name="Open the lot").nth(1).click()
        await page.wait_for_url(f"**/lots/{gtin}/{lot_segment(lot)}")
        await expect(page.get_by_role("heading", level=1)).to_have_text(f"Lot {lot}")

        timeline = page.locator("#timeline tbody tr")
        await expect(timeline).to_have_count(5)
        await expect(timeline.nth(0)).to_contain_text("received")
        await expect(timeline.nth(1)).to_contain_text(f"{A1} → {A2}")
        await expect(timeline.nth(4)).to_contain_text("disposed")
        await expect(timeline.nth(0)).to_contain_text("test-device")

        graph = page.locator("#custody-graph")
        names = await graph.locator("g.node").evaluate_all(
            "nodes => nodes.map(n => n.dataset.name)"
        )
        assert set(names) == {SUPPLIER, A1, A2, PHARMACIES[0], PHARMACIES[1], "disposed"}
        assert await graph.locator("path.edge").count() == 5

        await expect(page.locator(".verdict").first).to_contain_text("Balances")
        await expect(page.locator("#chain-verdict")).to_contain_text("intact: all 5 events")
        on_hand = page.locator("section[aria-labelledby=onhand-title] tbody tr")
        await expect(on_hand).to_have_count(2)
        await expect(on_hand.filter(has_text=A1)).to_contain_text("45")
        await expect(on_hand.filter(has_text=A2)).to_contain_text("20")
        await accessible(page, "lot")

        epcis = await page.request.get(f"/lots/{gtin}/{lot_segment(lot)}/epcis")
        assert epcis.status == 200
        assert "attachment" in epcis.headers["content-disposition"]
        assert lot in await epcis.text()

        await page.goto("/")
        await page.get_by_label("GS1 barcode").fill(f"(01){gtin}(17)281130(10){lot}")
        await page.get_by_role("button", name="Open the lot").first.click()
        await page.wait_for_url(f"**/lots/{gtin}/{lot_segment(lot)}")

        await page.goto("/")
        await page.get_by_label("GS1 barcode").fill("(01)12345678901234(10)X")
        await page.get_by_role("button", name="Open the lot").first.click()
        await expect(page.get_by_role("alert")).to_contain_text("check digit")
        await expect(page.get_by_label("GS1 barcode")).to_have_attribute("aria-invalid", "true")
    finally:
        await context.close()


async def test_a_long_stream_pages_its_timeline(browser: Browser, system: System) -> None:
    gtin = await own_product(system)
    lot = fresh_lot("CPAGE")
    k = {"gtin": gtin, "lot": lot}
    moves = [
        (
            "/v1/moves",
            {**k, "qty": 1, "from_location": a, "to_location": b},
            SCANNER,
        )
        for a, b in [(A1, A2), (A2, A1)] * 52
    ]
    await post_all(system, [("/v1/receipts", receipt(gtin, lot, 10), SCANNER), *moves])
    await projected(system, gtin, lot, 105)
    context, page = await signed_in(browser, system, REGULATOR)
    try:
        await page.goto(f"/lots/{gtin}/{lot_segment(lot)}")
        await expect(page.locator("#timeline caption")).to_contain_text("Steps 1–100 of 105")
        await expect(page.locator("#timeline tbody tr")).to_have_count(100)
        await page.get_by_role("link", name="Next").click()
        await expect(page.locator("#timeline caption")).to_contain_text("Steps 101–105 of 105")
        await expect(page.locator("#timeline tbody tr").first).to_contain_text("101")
        await accessible(page, "lot-timeline-page-2")
    finally:
        await context.close()


async def test_a_user_of_wh1_is_refused_a_wh2_lot_with_a_clear_page(
    browser: Browser, system: System
) -> None:
    gtin = await own_product(system)
    lot = fresh_lot("CWH2")
    wh2 = bearer("scanner", warehouses=["WH2"])
    await post_all(system, [("/v1/receipts", receipt(gtin, lot, 12, "WH2/COLD-A/01"), wh2)])
    await projected(system, gtin, lot, 1)
    context, page = await signed_in(
        browser, system, token("regulator", warehouses=["WH1"], sub="reg-wh1")
    )
    try:
        response = await page.goto(f"/lots/{gtin}/{lot_segment(lot)}")
        assert response is not None
        assert response.status == 403
        await expect(page.get_by_role("heading", level=1)).to_have_text(
            "Not allowed for your role or warehouses"
        )
        await expect(page.locator("main")).to_contain_text("WH1")
        assert "Traceback" not in await page.content()
        await accessible(page, "forbidden")

        missing = await page.goto(f"/lots/{gtin}/NO-SUCH-LOT")
        assert missing is not None
        assert missing.status == 404
        await expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    finally:
        await context.close()


async def test_a_recalled_lot_shows_its_consignees_and_the_csv_carries_them(
    browser: Browser, system: System
) -> None:
    gtin = await own_product(system)
    lot = fresh_lot("CREC")
    recall_id = f"RC-{lot}"
    shipped = {PHARMACIES[0]: 7, PHARMACIES[1]: 11, PHARMACIES[2]: 3}
    picks = [
        ("/v1/picks", pick(gtin, lot, qty, A1, party, i), SCANNER)
        for i, (party, qty) in enumerate(shipped.items())
    ]
    recall = {"recall_id": recall_id, "class": "I", "reason": "sterility_not_assured"}
    await post_all(
        system,
        [
            ("/v1/receipts", receipt(gtin, lot, 40), SCANNER),
            *picks,
            (f"/v1/batches/{gtin}/{lot}/recall", recall, QA),
        ],
    )
    await projected(system, gtin, lot, 5)
    context, page = await signed_in(browser, system, token("qa", sub="qa-quinn"))
    try:
        await page.goto(f"/lots/{gtin}/{lot_segment(lot)}")
        await expect(page.locator("#recall-title")).to_be_visible()
        await page.get_by_role("link", name="Recall report").first.click()
        rows = page.locator("table.consignees tbody tr")
        await expect(rows).to_have_count(3)
        for party, qty in shipped.items():
            await expect(rows.filter(has_text=party)).to_contain_text(str(qty))
        await accessible(page, "recall")
        await page.emulate_media(media="print")
        await expect(page.locator("header.top")).to_be_hidden()
        await page.screenshot(path=str(_screens() / "recall-print.png"), full_page=True)
        await page.emulate_media(media="screen")

        async with page.expect_download() as downloading:
            await page.locator("#recall-csv").click()
        download = await downloading.value
        text = (await download.path()).read_text(encoding="utf-8-sig")
        table = list(csv.DictReader(io.StringIO(text)))
        got = {
            r["consignee_or_location"]: int(r["shipped"])
            for r in table
            if r["record"] == "consignee"
        }
        assert got == shipped
        assert {r["recall_id"] for r in table} == {recall_id}
        on_hand = [r for r in table if r["record"] == "on_hand"]
        assert [(r["consignee_or_location"], r["on_hand"]) for r in on_hand] == [(A1, "19")]

        await page.goto(f"/recalls/{lot_segment(recall_id)}")
        await expect(page.get_by_role("heading", level=1)).to_contain_text(recall_id)
        await expect(page.locator("table.consignees tbody tr")).to_have_count(3)
    finally:
        await context.close()


def _screens() -> Any:
    from tests.e2e.console.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
