"""The stock command routes' own handling of the usual request (`CommandRoute`) answers
every request as FastAPI's standard handling of the same route does: each request is
sent twice, handled each way, and the answers compared (refusals byte for byte)."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import orjson
import pytest
from fastapi.routing import APIRoute, request_response

from lotledger.inventory.bootstrap import create_app
from lotledger.inventory.entrypoints.api import command_route
from lotledger.inventory.entrypoints.api.command_route import CommandRoute
from lotledger.inventory.entrypoints.api.routers import stock
from lotledger.inventory.settings import InventorySettings
from lotledger.shared.clock import ManualClock
from tests.integration.conftest import TODAY
from tests.support.apps import serve
from tests.support.tokens import bearer
from tests.support.world import COLD, PHARMACIES, SUPPLIER, fresh_lot

SCANNER = bearer("scanner", warehouses=["WH1"])
SHELF = "WH1/COLD-A/01"
JSON = {"content-type": "application/json"}


@contextmanager
def standard_handling() -> Iterator[None]:
    """The stock command routes handled by FastAPI's standard route handler meanwhile
    (the routes are the stock router's, whichever app includes it)."""
    routes = [r for r in stock.router.routes if isinstance(r, CommandRoute)]
    assert len(routes) == 7
    kept = [r.app for r in routes]
    for route in routes:
        route.app = request_response(APIRoute.get_route_handler(route))
    try:
        yield
    finally:
        for route, app in zip(routes, kept, strict=True):
            route.app = app


@pytest.fixture
async def client(
    inventory: httpx.AsyncClient, inventory_settings: InventorySettings
) -> AsyncIterator[httpx.AsyncClient]:
    settings = inventory_settings.model_copy(update={"rate_limit_per_s": 0.0})
    async with serve(create_app(settings, ManualClock(TODAY))) as client:
        yield client


async def both(
    client: httpx.AsyncClient, path: str, headers: dict[str, str], **body: Any
) -> tuple[httpx.Response, httpx.Response]:
    """The answers to one request, handled by the command route and the standard way."""
    fast = await client.post(path, headers=headers, **body)
    with standard_handling():
        usual = await client.post(path, headers=headers, **body)
    return fast, usual


def receipt(lot: str, **changes: Any) -> dict[str, Any]:
    body = {
        "gtin": COLD,
        "lot": lot,
        "expiry": "2028-03-31",
        "qty": 5,
        "location": SHELF,
        "supplier": SUPPLIER,
    }
    return {**body, **changes}


def pick(lot: str, **changes: Any) -> dict[str, Any]:
    body = {
        "gtin": COLD,
        "lot": lot,
        "qty": 1,
        "location": SHELF,
        "order_ref": "SO-1",
        "ship_to": PHARMACIES[0],
    }
    return {**body, **changes}


REFUSED: list[tuple[str, str, dict[str, str], bytes]] = [
    ("no content type", "/v1/picks", SCANNER, b'{"gtin": "x"}'),
    ("text content type", "/v1/picks", {**SCANNER, "content-type": "text/plain"}, b"{}"),
    ("empty body", "/v1/picks", {**SCANNER, **JSON}, b""),
    ("malformed JSON", "/v1/picks", {**SCANNER, **JSON}, b'{"gtin": '),
    ("a JSON array", "/v1/receipts", {**SCANNER, **JSON}, b"[]"),
    ("JSON null", "/v1/receipts", {**SCANNER, **JSON}, b"null"),
    ("NaN", "/v1/picks", {**SCANNER, **JSON}, b'{"qty": NaN}'),
]


def refused_bodies(lot: str) -> list[tuple[str, str, dict[str, str], Any]]:
    """Refusals whose JSON bodies parse."""
    return [
        ("missing field", "/v1/picks", SCANNER, {k: v for k, v in pick(lot).items() if k != "qty"}),
        ("bad check digit", "/v1/receipts", SCANNER, receipt(lot, gtin="09506000134353")),
        ("negative qty", "/v1/picks", SCANNER, pick(lot, qty=-1)),
        ("unknown field", "/v1/receipts", SCANNER, receipt(lot, colour="blue")),
        ("empty key", "/v1/picks", {**SCANNER, "idempotency-key": ""}, pick(lot)),
        ("key with a space", "/v1/picks", {**SCANNER, "idempotency-key": "a b"}, pick(lot)),
        ("key too long", "/v1/picks", {**SCANNER, "idempotency-key": "k" * 256}, pick(lot)),
        ("no token", "/v1/picks", {}, pick(lot)),
        ("no token, bad body", "/v1/picks", {}, pick(lot, qty="many")),
        ("a viewer", "/v1/picks", bearer("viewer", warehouses=["WH1"]), pick(lot)),
        ("another warehouse", "/v1/picks", bearer("scanner", warehouses=["WH2"]), pick(lot)),
        ("no such lot", "/v1/picks", SCANNER, pick(fresh_lot("NONE"))),
    ]


def same(fast: httpx.Response, usual: httpx.Response, case: str) -> None:
    assert fast.status_code == usual.status_code, case
    assert fast.headers.get("content-type") == usual.headers.get("content-type"), case
    assert fast.content == usual.content, case


async def test_refusals_are_those_of_the_standard_handling(client: httpx.AsyncClient) -> None:
    lot = fresh_lot("ROUTE")
    assert (await client.post("/v1/receipts", headers=SCANNER, json=receipt(lot))).is_success
    for case, path, headers, content in REFUSED:
        fast, usual = await both(client, path, headers, content=content)
        assert fast.status_code >= 400, case
        same(fast, usual, case)
    for case, path, headers, body in refused_bodies(lot):
        fast, usual = await both(client, path, headers, json=body)
        assert fast.status_code >= 400, case
        same(fast, usual, case)


async def test_accepted_commands_answer_as_the_standard_handling(
    client: httpx.AsyncClient,
) -> None:
    lot = fresh_lot("ROUTE")
    assert (
        await client.post("/v1/receipts", headers=SCANNER, json=receipt(lot, qty=20))
    ).is_success
    charset = {**SCANNER, "content-type": "application/json; charset=utf-8"}
    accepted: list[tuple[str, str, dict[str, str], Callable[[], dict[str, Any]]]] = [
        ("a receipt", "/v1/receipts", {**SCANNER, **JSON}, lambda: receipt(fresh_lot("ROUTE"))),
        ("a pick", "/v1/picks", {**SCANNER, **JSON}, lambda: pick(lot)),
        ("a charset", "/v1/picks", charset, lambda: pick(lot)),
    ]
    for case, path, headers, body in accepted:
        fast = await client.post(path, headers=headers, content=orjson.dumps(body()))
        with standard_handling():
            usual = await client.post(path, headers=headers, content=orjson.dumps(body()))
        assert [fast.status_code, usual.status_code] == [201, 201], case
        assert _shape(fast.json()) == _shape(usual.json()), case
    keyed = {**SCANNER, "Idempotency-Key": f"route-{lot}"}
    first, replayed = await both(client, "/v1/picks", keyed, json=pick(lot))
    assert first.status_code == replayed.status_code == 201
    assert replayed.headers.get("idempotent-replayed") == "true"
    assert replayed.json() == first.json()


def _shape(value: Any) -> Any:
    """A JSON value's structure (keys and types), without its values."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(v) for v in value]
    return type(value).__name__


def test_the_openapi_document_is_fastapis_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """The document of an app whose stock router was declared with standard routes is
    the same."""
    documented = create_app(InventorySettings.model_validate({}), ManualClock(TODAY)).openapi()
    try:
        monkeypatch.setattr(command_route, "CommandRoute", APIRoute)
        importlib.reload(stock)
        assert not any(isinstance(r, CommandRoute) for r in stock.router.routes)
        plain = create_app(InventorySettings.model_validate({}), ManualClock(TODAY)).openapi()
    finally:
        monkeypatch.undo()
        importlib.reload(stock)
    assert plain == documented
