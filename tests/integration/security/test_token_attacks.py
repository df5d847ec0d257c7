"""Every token attack of issue #7 against every service over HTTP: 401 problem+json,
never the resource; a token inside the configured clock-skew leeway still passes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from lotledger.shared.auth import mint_token
from tests.integration.security.conftest import Service
from tests.support.apps import serve
from tests.support.tokens import TEST_SECRET

PROTECTED = {
    "inventory": "/v1/stock",
    "traceability": "/v1/lots",
    "alerts": "/v1/alerts",
}
CLAIMS = {"sub": "mallory", "roles": ["admin"], "warehouses": ["*"]}


def _minted(**overrides: object) -> str:
    return mint_token(TEST_SECRET, **CLAIMS, **overrides)  # type: ignore[arg-type]


def _unsigned() -> str:
    claims = {**CLAIMS, "aud": "lotledger", "exp": datetime.now(UTC) + timedelta(hours=1)}
    return jwt.encode(claims, None, algorithm="none")  # type: ignore[arg-type]


def _tampered() -> str:
    header, _, signature = mint_token(
        TEST_SECRET, sub="mallory", roles=["scanner"], warehouses=["WH1"]
    ).split(".")
    forged_payload = _minted().split(".")[1]
    return ".".join([header, forged_payload, signature])


def _aged(age: timedelta) -> str:
    """A five-minute token issued `age` ago."""
    return _minted(now=datetime.now(UTC) - age, ttl=timedelta(minutes=5))


ATTACKS: dict[str, Callable[[], str]] = {
    "expired": lambda: _aged(timedelta(hours=1)),
    "not-yet-valid": lambda: _minted(now=datetime.now(UTC) + timedelta(minutes=10)),
    "wrong-audience": lambda: _minted(audience="someone-else"),
    "alg-none": _unsigned,
    "tampered": _tampered,
    "wrong-key": lambda: mint_token(
        "an-attackers-own-secret-0123456789abcdef", sub="mallory", roles=["admin"], warehouses=["*"]
    ),
    "garbage": lambda: "not.a.token",
}


@pytest.mark.parametrize("attack", sorted(ATTACKS))
async def test_every_service_refuses_the_attack_with_401(
    services: list[Service], attack: str
) -> None:
    token = ATTACKS[attack]()
    for service in services:
        async with serve(service.app) as client:
            response = await client.get(
                PROTECTED[service.name], headers={"Authorization": f"Bearer {token}"}
            )
        assert response.status_code == 401, (service.name, attack, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert "traceback" not in response.text.lower()


async def test_a_token_within_the_leeway_passes(services: list[Service]) -> None:
    just_expired = _aged(timedelta(minutes=5, seconds=3))
    for service in services:
        async with serve(service.app) as client:
            response = await client.get(
                PROTECTED[service.name], headers={"Authorization": f"Bearer {just_expired}"}
            )
        assert response.status_code == 200, (service.name, response.text)
