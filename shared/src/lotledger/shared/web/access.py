"""Who may call which endpoint: one table per service, enforced for every route.

Each (method, path template) maps to the roles admitted and how warehouse scoping
applies. The table is the single declaration; an app-level dependency enforces the roles
before any handler runs, and a route missing from the table is refused. Warehouse checks
that need data (the warehouse of a batch, of a location in a body) happen in the
handlers, as the `scope` column declares; the generated tests exercise both.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

import structlog
from fastapi import FastAPI, Request
from fastapi.routing import APIRoute

from lotledger.shared.auth import Forbidden, Role
from lotledger.shared.web.security import bearer, current_principal

log = structlog.get_logger("lotledger.access")


class Scoping(StrEnum):
    NONE = "none"
    """Not warehouse-specific (master data reads, products)."""
    OWN_WAREHOUSES = "own-warehouses"
    """Every warehouse the request touches must be in the token (object-level checks)."""
    FILTERED = "filtered"
    """Results are limited to the token's warehouses."""


@dataclass(frozen=True)
class Access:
    roles: frozenset[Role]
    scoping: Scoping = Scoping.NONE
    public: bool = False


def allow(*roles: Role, scoping: Scoping = Scoping.NONE) -> Access:
    return Access(frozenset(roles), scoping)


PUBLIC = Access(frozenset(), public=True)
OPERATIONS: dict[tuple[str, str], Access] = {
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/readyz"): PUBLIC,
    ("GET", "/metrics"): PUBLIC,
}
AccessTable = Mapping[tuple[str, str], Access]


def template(path: str) -> str:
    """A route path as OpenAPI writes it (`{lot:path}` → `{lot}`): the table's key form."""
    return _CONVERTER.sub("}", path)


_CONVERTER = re.compile(r":\w+\}")


def route_key(request: Request) -> tuple[str, str] | None:
    route = request.scope.get("route")
    return (request.method, template(route.path)) if isinstance(route, APIRoute) else None


async def enforce_access(request: Request) -> None:
    """App-level dependency: authenticate and check the route's roles from the table."""
    table: AccessTable = request.app.state.access
    key = route_key(request)
    rule = table.get(key) if key else None
    if rule is None:
        log.error("route_not_in_access_table", route=key)
        raise Forbidden("this endpoint is not open to anyone")
    if rule.public:
        return
    principal = await current_principal(request, await bearer(request))
    if not principal.has_any(rule.roles):
        names = ", ".join(sorted(r.value for r in rule.roles))
        raise Forbidden(f"this operation needs one of the roles: {names}")


def declared_routes(app: FastAPI) -> set[tuple[str, str]]:
    """Every (method, path) the app serves, from its OpenAPI document."""
    return {
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method in operations
    }
