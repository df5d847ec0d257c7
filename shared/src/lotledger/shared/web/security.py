"""FastAPI dependencies for authentication and role checks."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from lotledger.shared.auth import Authenticator, AuthError, Forbidden, Principal, Role

bearer = HTTPBearer(auto_error=False, description="JWT issued for lotledger (DESIGN §10)")


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The authenticated caller (decoded once per request)."""
    known: Principal | None = getattr(request.state, "principal", None)
    if known is not None:
        return known
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise AuthError("a bearer token is required")
    authenticator: Authenticator = request.app.state.authenticator
    principal = authenticator.authenticate(credentials.credentials)
    if principal.device is None:
        device = request.headers.get("x-device-id")
        if device:
            principal = Principal(principal.sub, principal.roles, principal.warehouses, device[:64])
    request.state.principal = principal
    return principal


Caller = Annotated[Principal, Depends(current_principal)]


def require(*roles: Role) -> Callable[..., Coroutine[Any, Any, Principal]]:
    """A dependency admitting principals holding any of `roles` (admin is not implied)."""
    allowed = frozenset(roles)

    async def dependency(
        principal: Annotated[Principal, Depends(current_principal)],
    ) -> Principal:
        if not principal.has_any(allowed):
            names = ", ".join(sorted(r.value for r in allowed))
            raise Forbidden(f"this operation needs one of the roles: {names}")
        return principal

    dependency.allowed_roles = allowed  # type: ignore[attr-defined]
    return dependency
