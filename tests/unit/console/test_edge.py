"""The console's web edge in-process, against fake APIs (httpx.MockTransport): a lot is
one percent-encoded segment in its URLs and in the API calls; API refusals become clear
pages; forms need their CSRF token; outside dev the development secret is refused."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import httpx
import pytest
from pydantic import SecretStr, ValidationError

from lotledger.console.bootstrap import create_app
from lotledger.console.entrypoints.session import SESSION_COOKIE
from lotledger.console.settings import ConsoleSettings
from lotledger.shared.clock import ManualClock
from lotledger.shared.contracts.alerts import AlertType
from tests.support.tokens import token

GTIN = "09506000134352"
LOT = "A/1%?&"
NOW = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
Handler = Callable[[httpx.Request], httpx.Response]


def summary() -> dict[str, object]:
    rec = dict.fromkeys(
        ("received", "shipped", "disposed", "returned", "adjustments", "count_variances"), 0
    )
    rec |= {"accounted_on_hand": 0, "on_hand": 0, "difference": 0, "balances": True}
    return {
        "gtin": GTIN, "lot": LOT, "expiry": "2028-01-31", "manufactured": None,
        "status": "available", "version": 1, "head_hash": "h",
        "first_at": NOW.isoformat(), "last_at": NOW.isoformat(), "warehouses": ["WH1"],
        "on_hand": 0, "balances": [], "reconciliation": rec,
    }  # fmt: skip


def lot_api(seen: list[str]) -> Handler:
    def handle(request: httpx.Request) -> httpx.Response:
        raw = request.url.raw_path.decode()
        seen.append(raw)
        path = raw.split("?")[0]
        base = f"/v1/lots/{GTIN}/A%2F1%25%3F%26"
        bodies: dict[str, object] = {
            base: summary(),
            f"{base}/trace": {"origin": [], "path": [], "destinations": []},
            f"{base}/verify": {"ok": True, "events": 1, "checked": 1, "checkpoint": None},
            f"{base}/excursions": {"exposures": [], "mkt_c": None},
            f"/v1/batches/{GTIN}/A%2F1%25%3F%26": {"status": "available", "on_hand": {}},
        }
        if path in bodies:
            return httpx.Response(200, json=bodies[path])
        return httpx.Response(404, json={"title": "Not found", "detail": f"nothing at {path}"})

    return handle


@asynccontextmanager
async def console(handler: Handler, signed_in: bool = True) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(ConsoleSettings(), ManualClock(NOW), httpx.MockTransport(handler))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://console") as client:
            if signed_in:
                client.cookies.set(SESSION_COOKIE, token("regulator", sub="rita"))
            yield client


async def test_a_lot_is_one_percent_encoded_segment_in_the_page_and_the_api_calls() -> None:
    seen: list[str] = []
    async with console(lot_api(seen)) as client:
        page = await client.get(f"/lots/{GTIN}/A%2F1%25%3F%26")
    assert page.status_code == 200, page.text
    assert 'Lot <span class="mono">A/1%?&amp;</span>' in page.text
    assert f"/lots/{GTIN}/A%2F1%25%3F%26/epcis" in page.text
    assert f"/v1/lots/{GTIN}/A%2F1%25%3F%26/trace" in seen
    assert all("A/1" not in s for s in seen)


@pytest.mark.parametrize(
    ("status", "shown", "title"),
    [
        (403, 403, "Not allowed for your role or warehouses"),
        (404, 404, "Not found"),
        (500, 502, "A service is unavailable"),
    ],
)
async def test_api_refusals_become_clear_pages_without_internals(
    status: int, shown: int, title: str
) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json={"title": "x", "detail": "token is not scoped to WH2"})

    async with console(refuse) as client:
        page = await client.get(f"/lots/{GTIN}/L1")
        problem = await client.get(f"/lots/{GTIN}/L1", headers={"accept": "application/json"})
    assert page.status_code == shown
    assert f'<h1 id="error-title">{title}</h1>' in page.text
    assert "Traceback" not in page.text
    assert problem.headers["content-type"] == "application/problem+json"
    assert problem.json()["status"] == shown


async def test_an_api_401_signs_the_user_out_and_back_to_the_login_page() -> None:
    def expired(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"title": "Unauthorized", "detail": "token has expired"})

    async with console(expired) as client:
        page = await client.get(f"/lots/{GTIN}/L1?page=2")
    assert page.status_code == 303
    assert page.headers["location"].startswith("/login?next=%2Flots%2F09506000134352%2FL1")
    assert f'{SESSION_COOKIE}=""' in page.headers["set-cookie"]


async def test_no_session_means_the_login_page() -> None:
    async with console(lot_api([]), signed_in=False) as client:
        page = await client.get("/stock")
    assert page.status_code == 303
    assert page.headers["location"].startswith("/login?next=%2Fstock")


async def test_state_changing_forms_need_the_csrf_token_of_the_session() -> None:
    async with console(lot_api([])) as client:
        form = await client.get("/")
        csrf = form.text.split('name="csrf" value="')[1].split('"')[0]
        without = await client.post("/logout")
        forged = await client.post("/logout", data={"csrf": csrf[:-2] + "xx"})
        signed = await client.post("/logout", data={"csrf": csrf})
    assert (without.status_code, forged.status_code) == (403, 403)
    assert signed.status_code == 303


async def test_pages_carry_security_headers_and_server_timing() -> None:
    async with console(lot_api([])) as client:
        page = await client.get(f"/lots/{GTIN}/A%2F1%25%3F%26")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["server-timing"].startswith("api;dur=")
    assert 'desc="5 calls"' in page.headers["server-timing"]


async def test_next_after_sign_in_never_leaves_the_console() -> None:
    from lotledger.console.entrypoints.routers.auth import safe_next

    assert [safe_next(v) for v in ("/stock", "//evil", "/\\evil", "https://evil", None)] == [
        "/stock",
        "/",
        "/",
        "/",
        "/",
    ]


def test_outside_dev_the_development_cookie_secret_is_refused() -> None:
    with pytest.raises(ValidationError, match="LOTLEDGER_CONSOLE_COOKIE_SECRET"):
        ConsoleSettings(env="prod")
    settings = ConsoleSettings(env="prod", console_cookie_secret=SecretStr("x" * 40))
    assert settings.secure_cookies is True


async def test_behind_an_oidc_proxy_the_forwarded_token_is_the_session() -> None:
    seen: list[str] = []
    settings = ConsoleSettings(console_token_header="X-Forwarded-Access-Token")
    app = create_app(settings, ManualClock(NOW), httpx.MockTransport(lot_api(seen)))
    forwarded = token("regulator", sub="oidc-olga")
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://console") as client:
            page = await client.get("/", headers={"x-forwarded-access-token": forwarded})
            anonymous = await client.get("/")
    assert page.status_code == 200
    assert "oidc-olga" in page.text
    assert anonymous.status_code == 303


@pytest.mark.parametrize("alert_type", [t.value for t in AlertType])
async def test_the_alerts_board_filters_by_every_alert_type_the_contract_knows(
    alert_type: str,
) -> None:
    asked: list[str] = []

    def alerts(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        return httpx.Response(200, json={"items": [], "next_cursor": None})

    async with console(alerts) as client:
        page = await client.get("/alerts", params={"type": alert_type})
    assert page.status_code == 200, page.text
    assert f'<option value="{alert_type}"' in page.text
