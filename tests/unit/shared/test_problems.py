from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel

from lotledger.shared.errors import DomainError, NotFound
from lotledger.shared.identifiers import Quantity
from lotledger.shared.web.observe import BodyLimit
from lotledger.shared.web.problems import ProblemSpec, install_problem_handlers


class OutOfStock(DomainError):
    pass


class Body(BaseModel):
    qty: Quantity


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    install_problem_handlers(
        app, {OutOfStock: ProblemSpec(409, "insufficient-stock", "Insufficient stock")}
    )

    @app.post("/things")
    async def create(body: Body) -> dict[str, int]:
        if body.qty > 5:
            raise OutOfStock("only 5 on hand", field="qty", available=5)
        return {"qty": body.qty}

    @app.get("/things/{name}")
    async def read(name: str) -> dict[str, str]:
        if name == "boom":
            raise RuntimeError("SELECT secret FROM users -- should never leak")
        raise NotFound(f"no thing {name}")

    limited = BodyLimit(app, service="unit", max_bytes=2048)
    transport = httpx.ASGITransport(app=limited, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        yield c


async def test_validation_error_names_field_and_rule(client: httpx.AsyncClient) -> None:
    response = await client.post("/things", json={"qty": 0})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "urn:lotledger:problem:invalid-input"
    assert body["errors"] == [
        {"field": "qty", "rule": "greater_than", "message": "Input should be greater than 0"}
    ]


async def test_malformed_json_is_400_not_500(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/things", content=b"{qty:", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["type"] == "urn:lotledger:problem:malformed-json"


async def test_domain_error_maps_to_its_problem_with_context(client: httpx.AsyncClient) -> None:
    response = await client.post("/things", json={"qty": 7})
    assert response.status_code == 409
    body = response.json()
    assert body["type"] == "urn:lotledger:problem:insufficient-stock"
    assert body["available"] == 5
    assert body["errors"][0]["field"] == "qty"
    assert body["instance"] == "/things"


async def test_not_found_and_unknown_route(client: httpx.AsyncClient) -> None:
    assert (await client.get("/things/x")).json()["status"] == 404
    response = await client.get("/nowhere")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


async def test_unexpected_error_leaks_nothing(client: httpx.AsyncClient) -> None:
    response = await client.get("/things/boom")
    assert response.status_code == 500
    assert "SELECT" not in response.text
    assert "Traceback" not in response.text
    assert response.json()["type"] == "urn:lotledger:problem:internal-error"


async def test_oversized_body_is_413(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/things", content=b"{" + b" " * 4096 + b"}", headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["type"] == "urn:lotledger:problem:payload-too-large"
