"""The three services as the demo calls them: a bearer token per role, a client that waits
out 429s, and a patient wait for what the asynchronous side will show."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

import httpx

from lotledger.shared.auth import mint_token

ROLES = ("admin", "scanner", "qa", "sensor", "regulator")
SERVICES = {
    "inventory": "http://127.0.0.1:8001",
    "traceability": "http://127.0.0.1:8002",
    "alerts": "http://127.0.0.1:8003",
}
CONSOLE = "http://127.0.0.1:8004"
Report = Callable[[str], None]


class DemoError(RuntimeError):
    pass


class Api:
    """The three services, a bearer token per role, and a client that waits out 429s."""

    def __init__(self, urls: Mapping[str, str], tokens: Mapping[str, str]) -> None:
        self.clients = {
            name: httpx.AsyncClient(base_url=url, timeout=30) for name, url in urls.items()
        }
        self.urls = dict(urls)
        self.tokens = dict(tokens)

    async def aclose(self) -> None:
        for client in self.clients.values():
            await client.aclose()

    async def call(
        self, method: str, service: str, path: str, role: str, **kwargs: Any
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.tokens[role]}"}
        while True:
            response = await self.clients[service].request(method, path, headers=headers, **kwargs)
            if response.status_code != 429:
                return response
            await asyncio.sleep(float(response.headers.get("Retry-After", "1")))

    async def ok(self, method: str, service: str, path: str, role: str, **kwargs: Any) -> Any:
        response = await self.call(method, service, path, role, **kwargs)
        if response.status_code >= 300:
            raise DemoError(f"{method} {service}{path}: {response.status_code} {response.text}")
        return response.json()


def tokens_for(secret: str) -> dict[str, str]:
    return {
        role: mint_token(
            secret,
            sub=f"demo-{role}",
            roles=[role],
            warehouses=["*"],
            device=f"demo-{role}-device",
            ttl=timedelta(hours=2),
        )
        for role in ROLES
    }


async def until(what: str, probe: Callable[[], Any], patience: float = 60.0) -> Any:
    deadline = asyncio.get_running_loop().time() + patience
    while True:
        found = await probe()
        if found:
            return found
        if asyncio.get_running_loop().time() > deadline:
            raise DemoError(f"timed out after {patience:g} s waiting for {what}")
        await asyncio.sleep(0.5)
