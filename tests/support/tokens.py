from __future__ import annotations

from collections.abc import Iterable

from lotledger.shared.auth import mint_token

TEST_SECRET = "test-secret-for-lotledger-suite-0123456789"


def token(
    *roles: str,
    warehouses: Iterable[str] = ("*",),
    sub: str = "tester",
    device: str | None = "test-device",
) -> str:
    return mint_token(TEST_SECRET, sub=sub, roles=roles, warehouses=warehouses, device=device)


def bearer(
    *roles: str,
    warehouses: Iterable[str] = ("*",),
    sub: str = "tester",
    device: str | None = "test-device",
) -> dict[str, str]:
    return {
        "authorization": f"Bearer {token(*roles, warehouses=warehouses, sub=sub, device=device)}"
    }
