"""The shared app factory answers edge cases with the right status, as problem+json: a
chunked body over the limit is 413, a method a path does not offer is 405 with every
method it does offer in `Allow`, and an integer too long to parse is 422 naming the field."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from pydantic import BaseModel

from lotledger.shared.identifiers import Quantity
from lotledger.shared.settings import CommonSettings
from lotledger.shared.web.access import PUBLIC
from lotledger.shared.web.app import create_service_app
from lotledger.shared.web.paths import LocationInPath, LotInPath

LIMIT = 8192


class Thing(BaseModel):
    qty: Quantity


class Batch(BaseModel):
    operations: list[dict[str, Any]]


def _router() -> APIRouter:
    router = APIRouter()

    @router.put("/things/{name}")
    async def put_thing(name: str, body: Thing) -> dict[str, int]:
        return {"qty": body.qty}

    @router.get("/things/{name}")
    async def get_thing(name: str) -> dict[str, str]:
        return {"name": name}

    @router.post("/things")
    async def post_thing(body: Thing) -> dict[str, int]:
        return {"qty": body.qty}

    @router.post("/batches")
    async def post_batch(body: Batch) -> dict[str, int]:
        return {"n": len(body.operations)}

    @router.get("/lots/{lot}")
    async def get_lot(lot: LotInPath) -> dict[str, str]:
        return {"lot": lot}

    @router.post("/lots/{lot}/recall")
    async def recall(lot: LotInPath) -> dict[str, str]:
        return {"lot": lot}

    @router.put("/locations/{location_id:location}")
    async def put_location(location_id: LocationInPath) -> dict[str, str]:
        return {"location": location_id}

    @router.get("/locations/{location_id:location}/audit")
    async def location_audit(location_id: LocationInPath) -> dict[str, str]:
        return {"audit": location_id}

    return router


@asynccontextmanager
async def _nothing(app: FastAPI) -> AsyncIterator[None]:
    yield


@pytest.fixture(scope="module")
async def client() -> AsyncIterator[httpx.AsyncClient]:
    router = _router()
    app = create_service_app(
        service="edge",
        version="0",
        description="edge cases",
        settings=CommonSettings(max_body_bytes=LIMIT, rate_limit_per_s=0),
        lifespan=_nothing,
        routers=[router],
        access={
            (method, path): PUBLIC
            for path, methods in {
                "/things/{name}": ("PUT", "GET"),
                "/things": ("POST",),
                "/batches": ("POST",),
                "/lots/{lot}": ("GET",),
                "/lots/{lot}/recall": ("POST",),
                "/locations/{location_id}": ("PUT",),
                "/locations/{location_id}/audit": ("GET",),
            }.items()
            for method in methods
        },
    )
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        yield c


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


async def test_a_chunked_body_over_the_limit_is_413(client: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"qty": 1, "pad": "'
        for _ in range(16):
            yield b"x" * 1024
        yield b'"}'

    response = await client.post(
        "/things", content=chunks(), headers={"content-type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    body = problem(response, 413)
    assert body["type"] == "urn:lotledger:problem:payload-too-large"


async def test_a_declared_body_over_the_limit_is_413(client: httpx.AsyncClient) -> None:
    response = await client.post("/things", json={"qty": 1, "pad": "x" * LIMIT})
    problem(response, 413)


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", "/things/a", "GET, PUT"),
        ("POST", "/things/a", "GET, PUT"),
        ("GET", "/things", "POST"),
        ("PUT", "/lots/A%2Fb", "GET"),
        ("GET", "/lots/A%2Fb/recall", "POST"),
        ("PATCH", "/batches", "POST"),
        ("PUT", "/locations/WH1/A/01/audit", "GET"),
        ("GET", "/locations/WH1/A/01", "PUT"),
    ],
)
async def test_a_method_not_offered_is_405_with_every_offered_method_in_allow(
    client: httpx.AsyncClient, method: str, path: str, allowed: str
) -> None:
    response = await client.request(method, path, json={"qty": 1})
    body = problem(response, 405)
    assert body["type"] == "urn:lotledger:problem:method-not-allowed"
    assert response.headers["allow"] == allowed


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/things", b'{"qty": ' + b"9" * 5000 + b"}", "qty"),
        ("/things", b'{"qty": -' + b"1" * 5000 + b"}", "qty"),
        (
            "/batches",
            b'{"operations": [{"qty": 1}, {"op": "pick", "qty": ' + b"7" * 5000 + b"}]}",
            "operations.1.qty",
        ),
    ],
)
async def test_an_integer_too_long_to_parse_is_422_naming_the_field(
    client: httpx.AsyncClient, path: str, body: bytes, field: str
) -> None:
    response = await client.post(path, content=body, headers={"content-type": "application/json"})
    problem_body = problem(response, 422)
    assert problem_body["errors"][0]["field"] == field
    assert problem_body["errors"][0]["rule"] == "int_too_long"


async def test_well_formed_requests_still_pass(client: httpx.AsyncClient) -> None:
    assert (await client.put("/things/a", json={"qty": 2})).json() == {"qty": 2}
    assert (await client.get("/lots/A%2Fb")).json() == {"lot": "A/b"}
    assert (await client.put("/locations/WH1/A/01")).json() == {"location": "WH1/A/01"}
    assert (await client.put("/locations/WH1%2FA%2F01")).json() == {"location": "WH1/A/01"}
    assert (await client.get("/locations/WH1/A/01/audit")).json() == {"audit": "WH1/A/01"}
    assert (await client.post("/batches", json={"operations": [{"qty": 10**40}]})).json() == {
        "n": 1
    }
