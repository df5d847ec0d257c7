"""Browser tests of the console: a real headless Chromium (Debian's `chromium`, installed
by `make install`) driven by Playwright against the running stack of tests/e2e/conftest.py.

Every page a test opens is checked with axe-core (the pinned npm package) for serious or
critical accessibility violations, and photographed into `LOTLEDGER_CONSOLE_SCREENSHOTS`
(default: beside the e2e logs; `make console-screenshots` writes docs/console/)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from lotledger.shared.urls import lot_segment
from tests.support.processes import LOGS, System
from tests.support.tokens import bearer
from tests.support.world import fresh_product

ROOT = Path(__file__).resolve().parents[3]
CHROMIUM = os.environ.get("LOTLEDGER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = ROOT / "services/console/frontend/node_modules/axe-core/axe.min.js"
SCREENSHOTS = Path(os.environ.get("LOTLEDGER_CONSOLE_SCREENSHOTS", str(LOGS / "console-screens")))
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    if not Path(CHROMIUM).exists():
        raise AssertionError(f"{CHROMIUM} is missing: `make install` installs Debian's chromium")
    if not AXE.exists():
        raise AssertionError(f"{AXE} is missing: `make install` runs npm ci for the console")
    async with async_playwright() as p:
        launched = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


async def signed_in(browser: Browser, system: System, token: str) -> tuple[BrowserContext, Page]:
    """A fresh browser context signed in with `token` through the login form."""
    context = await browser.new_context(
        base_url=system.urls["console"], viewport={"width": 1280, "height": 900}
    )
    page = await context.new_page()
    await page.goto("/login")
    await page.get_by_label("Your lotledger token").fill(token)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(lambda url: "/login" not in url)
    return context, page


async def accessible(page: Page, name: str) -> None:
    """No serious or critical axe-core violation on the page as it stands; a screenshot."""
    await page.evaluate(AXE.read_text() + "\n;0")
    result: dict[str, Any] = await page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"accessibility violations on {name}:\n" + "\n".join(bad)
    await asyncio.to_thread(SCREENSHOTS.mkdir, parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


async def until(probe: Any, what: str, timeout_s: float = 45.0) -> Any:
    async with asyncio.timeout(timeout_s):
        while True:
            value = await probe()
            if value:
                return value
            await asyncio.sleep(0.2)
    raise AssertionError(what)


async def projected(system: System, gtin: str, lot: str, version: int) -> dict[str, Any]:
    """The lot's summary once traceability has projected `version` events of it."""
    path = f"/v1/lots/{gtin}/{lot_segment(lot)}"

    async def probe() -> dict[str, Any] | None:
        async with system.client("traceability") as t:
            r = await t.get(path, headers=bearer("regulator"))
        return r.json() if r.status_code == 200 and r.json()["version"] >= version else None

    found: dict[str, Any] = await until(probe, f"lot {lot} never reached version {version}")
    return found


async def own_product(system: System) -> str:
    """A cold product of the test's own, so the alerts its lots raise (recall, near expiry,
    low stock) never mix with what other tests look up by GTIN."""
    async with system.client("inventory") as inventory:
        return await fresh_product(inventory, bearer("admin"), "cold", reorder_point=5)
