"""Signing in and out of the console, and what it refuses: no session, a bad token, a
form without its CSRF token."""

from __future__ import annotations

from playwright.async_api import Browser, expect

from lotledger.shared.auth import mint_token
from tests.e2e.console.conftest import accessible, signed_in
from tests.support.processes import System
from tests.support.tokens import TEST_SECRET, token


async def test_a_visitor_is_sent_to_sign_in_and_comes_back_where_they_were_going(
    browser: Browser, system: System
) -> None:
    context = await browser.new_context(base_url=system.urls["console"])
    page = await context.new_page()
    try:
        await page.goto("/stock")
        assert "/login" in page.url
        await accessible(page, "login")
        await page.get_by_label("Your lotledger token").fill(token("qa", sub="qa-ann"))
        await page.get_by_role("button", name="Sign in").click()
        await page.wait_for_url("**/stock")
        await expect(page.get_by_text("Signed in as")).to_contain_text("qa-ann")
        cookie = next(c for c in await context.cookies() if c["name"] == "lotledger_session")
        assert cookie["httpOnly"] is True
        assert cookie["sameSite"] == "Strict"
    finally:
        await context.close()


async def test_a_token_the_apis_do_not_accept_is_refused_at_sign_in(
    browser: Browser, system: System
) -> None:
    forged = mint_token(
        "not-the-secret-" + TEST_SECRET, sub="mallory", roles=["admin"], warehouses=["*"]
    )
    context = await browser.new_context(base_url=system.urls["console"])
    page = await context.new_page()
    try:
        await page.goto("/login")
        await page.get_by_label("Your lotledger token").fill(forged)
        await page.get_by_role("button", name="Sign in").click()
        await expect(page.get_by_role("alert")).to_contain_text("did not accept your token")
        assert "/login" in page.url
        assert not [c for c in await context.cookies() if c["name"] == "lotledger_session"]
        await page.goto("/alerts")
        assert "/login" in page.url
    finally:
        await context.close()


async def test_forms_without_the_csrf_token_are_refused_and_sign_out_clears_the_session(
    browser: Browser, system: System
) -> None:
    context, page = await signed_in(browser, system, token("qa", sub="qa-csrf"))
    try:
        missing = await page.request.post("/logout", form={"next": "/"}, max_redirects=0)
        assert missing.status == 403
        assert "CSRF" in await missing.text()
        wrong = await page.request.post("/logout", form={"csrf": "forged"}, max_redirects=0)
        assert wrong.status == 403
        await page.goto("/")
        await expect(page.get_by_text("Signed in as")).to_contain_text("qa-csrf")

        await page.get_by_role("button", name="Sign out").click()
        await page.wait_for_url("**/login**")
        assert not [c for c in await context.cookies() if c["name"] == "lotledger_session"]
        await page.goto("/")
        assert "/login" in page.url
    finally:
        await context.close()
