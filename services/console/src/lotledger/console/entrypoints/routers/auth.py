"""Signing in with a token, signing out.

`/login` accepts a token only once an API has: it asks traceability for one lot with it;
a 401 there means the token is not valid (bad signature, expired, wrong audience), any
other answer (200, or 403 for a role traceability does not admit) means it is. The token
then lives in an HttpOnly, SameSite=Strict cookie until it expires (at most
`console_session_max_s`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from lotledger.console.adapters.tokens import read_identity
from lotledger.console.domain.errors import SignedOut
from lotledger.console.entrypoints.dependencies import ApisDep, ClockDep, SettingsDep
from lotledger.console.entrypoints.session import Csrf, end_session, start_session
from lotledger.console.entrypoints.web import render

router = APIRouter(tags=["session"])
MAX_TOKEN = 8192


def safe_next(value: str | None) -> str:
    """Only a path on this console: never another origin (`//host`, `/\\host`, a scheme)."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return "/"
    return value


@router.get("/login")
async def login_form(
    request: Request,
    next: Annotated[str | None, Query(max_length=2000)] = None,
    reason: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    return render(request, "login.html", {"next": safe_next(next), "reason": reason})


@router.post("/login", dependencies=[Csrf])
async def login(
    request: Request,
    apis: ApisDep,
    settings: SettingsDep,
    clock: ClockDep,
    token: Annotated[str, Form(max_length=MAX_TOKEN)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    token = token.strip()
    identity = read_identity(token) if token else None
    error = None
    if identity is None:
        error = "That is not a token: paste the whole value `lotledger token` printed."
    else:
        try:
            await apis.traceability.check_token(token)
        except SignedOut as exc:
            error = exc.detail
    seconds = identity.seconds_left(clock.now()) if identity else 0
    if error is None and seconds == 0:
        error = "That token has expired (or never expires, which lotledger refuses)."
    if error is not None:
        context = {"next": safe_next(next), "error": error}
        return render(request, "login.html", context, status=401)
    seconds = min(seconds, settings.console_session_max_s)
    response = RedirectResponse(safe_next(next), status_code=303)
    start_session(response, settings, token, seconds)
    return response


@router.post("/logout", dependencies=[Csrf])
async def logout(settings: SettingsDep) -> Response:
    response = RedirectResponse(settings.console_sign_out_url, status_code=303)
    end_session(response, settings)
    return response
