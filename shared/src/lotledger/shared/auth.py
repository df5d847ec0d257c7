"""Bearer JWT authentication and role/warehouse authorisation (DESIGN §10).

Tokens carry `sub`, `roles`, `warehouses` (ids or "*"), `exp`, `aud`, and optionally
`device`. HS256 uses the shared secret; RS256 (or ES256) a configured public key. The
algorithm a token claims is never trusted beyond the configured set, so `alg: none`
and algorithm-confusion tokens fail.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

import jwt

from lotledger.shared.settings import CommonSettings

ALL_WAREHOUSES = "*"


class Role(StrEnum):
    SCANNER = "scanner"
    SENSOR = "sensor"
    QA = "qa"
    ERP = "erp"
    REGULATOR = "regulator"
    ADMIN = "admin"


class AuthError(Exception):
    """The request carries no valid credentials (401)."""


class Forbidden(Exception):
    """Valid credentials without the needed role or warehouse (403)."""


@dataclass(frozen=True)
class Principal:
    sub: str
    roles: frozenset[Role]
    warehouses: frozenset[str]
    device: str | None = None

    @property
    def all_warehouses(self) -> bool:
        return ALL_WAREHOUSES in self.warehouses

    def has_any(self, roles: Iterable[Role]) -> bool:
        return not self.roles.isdisjoint(roles)

    def may_access(self, warehouse: str) -> bool:
        return self.all_warehouses or warehouse in self.warehouses

    def require_warehouse(self, warehouse: str) -> None:
        if not self.may_access(warehouse):
            raise Forbidden(f"token is not scoped to warehouse {warehouse}")

    def visible(self, warehouse: str | None) -> bool:
        return warehouse is None or self.may_access(warehouse)


class Authenticator:
    """Verifies tokens; a verified token's principal is remembered until the token's own
    `exp` (a scanner sends the same token hundreds of times an hour), never longer."""

    CACHE_SIZE = 10_000

    def __init__(self, settings: CommonSettings, clock: Callable[[], float] = time.time) -> None:
        self._audience = settings.auth_audience
        self._issuer = settings.auth_issuer
        self._leeway = settings.auth_leeway_s
        self._keys: dict[str, Any] = {"HS256": settings.auth_secret.get_secret_value()}
        if settings.auth_public_key:
            public = settings.auth_public_key
            self._keys["RS256"] = public
            self._keys["ES256"] = public
        self._clock = clock
        self._verified: OrderedDict[str, tuple[float, float, Principal]] = OrderedDict()

    def authenticate(self, token: str) -> Principal:
        now = self._clock()
        known = self._verified.get(token)
        if known is not None:
            not_before, expires, principal = known
            if not_before - self._leeway <= now < expires + self._leeway:
                return principal
            del self._verified[token]
        principal, not_before, expires = self._verify(token)
        if now >= expires + self._leeway:
            raise AuthError("token has expired")
        self._verified[token] = (not_before, expires, principal)
        if len(self._verified) > self.CACHE_SIZE:
            self._verified.popitem(last=False)
        return principal

    def _verify(self, token: str) -> tuple[Principal, float, float]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise AuthError("malformed token") from exc
        algorithm = header.get("alg")
        if not isinstance(algorithm, str) or algorithm not in self._keys:
            raise AuthError(f"token algorithm {algorithm!r} is not accepted")
        try:
            claims = jwt.decode(
                token,
                self._keys[algorithm],
                algorithms=[algorithm],
                audience=self._audience,
                issuer=self._issuer,
                leeway=self._leeway,
                options={"require": ["sub", "exp", "aud"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise AuthError("token has expired") from exc
        except jwt.ImmatureSignatureError as exc:
            raise AuthError("token is not valid yet") from exc
        except jwt.InvalidAudienceError as exc:
            raise AuthError("token audience is wrong") from exc
        except jwt.PyJWTError as exc:
            raise AuthError(f"token is invalid: {exc}") from exc
        not_before = float(claims.get("nbf", claims.get("iat", 0)) or 0)
        return principal_from_claims(claims), not_before, float(claims["exp"])


def principal_from_claims(claims: Mapping[str, Any]) -> Principal:
    roles_claim = claims.get("roles", [])
    warehouses_claim = claims.get("warehouses", [])
    if not isinstance(roles_claim, list) or not isinstance(warehouses_claim, list):
        raise AuthError("roles and warehouses claims must be lists")
    try:
        roles = frozenset(Role(r) for r in roles_claim)
    except ValueError as exc:
        raise AuthError(f"unknown role in token: {exc}") from exc
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub or len(sub) > 128:
        raise AuthError("sub claim must be a non-empty string")
    device = claims.get("device")
    return Principal(
        sub=sub,
        roles=roles,
        warehouses=frozenset(str(w) for w in warehouses_claim),
        device=str(device)[:64] if device else None,
    )


def mint_token(
    secret: str,
    *,
    sub: str,
    roles: Iterable[str],
    warehouses: Iterable[str],
    ttl: timedelta = timedelta(hours=8),
    audience: str = "lotledger",
    device: str | None = None,
    now: datetime | None = None,
    algorithm: str = "HS256",
    issuer: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> str:
    issued = now or datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": sub,
        "roles": list(roles),
        "warehouses": list(warehouses),
        "aud": audience,
        "iat": issued,
        "nbf": issued,
        "exp": issued + ttl,
    }
    if device:
        claims["device"] = device
    if issuer:
        claims["iss"] = issuer
    if extra:
        claims.update(extra)
    return jwt.encode(claims, secret, algorithm=algorithm)
