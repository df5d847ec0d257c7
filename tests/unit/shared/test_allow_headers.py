"""Every path of every service answers a method it does not document with 405, a problem,
and an `Allow` header listing exactly the methods its OpenAPI document gives that path.
(Routing refuses the method before any handler or dependency runs, so no database is
needed.)"""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
import pytest
from fastapi import FastAPI

from lotledger.alerts.bootstrap import create_app as alerts_app
from lotledger.inventory.bootstrap import create_app as inventory_app
from lotledger.traceability.bootstrap import create_app as traceability_app

APPS: dict[str, Callable[[], FastAPI]] = {
    "inventory": inventory_app,
    "traceability": traceability_app,
    "alerts": alerts_app,
}
SAMPLES = {
    "gtin": "09506000134352",
    "lot": "AMB%2Fevents",
    "location_id": "WH1/COLD-A/01",
    "party": "9506000000015",
}
UUID = "0b6f1c9e-4c1e-4c38-9d8e-2f0a4b1d9a11"
METHODS = ("GET", "PUT", "POST", "DELETE", "PATCH")


def _url(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: SAMPLES.get(m.group(1), UUID), path)


def _cases() -> list[object]:
    cases: list[object] = []
    for service, create in APPS.items():
        app = create()
        for path, operations in app.openapi()["paths"].items():
            documented = sorted(m.upper() for m in operations)
            allow = ", ".join(documented)
            cases.extend(
                pytest.param(app, method, _url(path), allow, id=f"{service}:{method} {path}")
                for method in METHODS
                if method not in documented
            )
    return cases


@pytest.mark.parametrize(("app", "method", "url", "allow"), _cases())
async def test_an_undocumented_method_is_405_allowing_the_documented_ones(
    app: FastAPI, method: str, url: str, allow: str
) -> None:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.request(method, url, json={})
    assert response.status_code == 405, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 405
    assert response.headers["allow"] == allow
