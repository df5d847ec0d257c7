"""The session: the user's token in an HttpOnly, SameSite=Strict cookie, and CSRF tokens.

CSRF is the signed double-submit pattern: every visitor holds a random `seed` cookie
(HttpOnly, SameSite=Strict); every state-changing form carries HMAC(secret, seed), and a
POST whose field does not match the cookie's HMAC is refused. Signing in rotates the
seed. SameSite=Strict alone already keeps the cookies off cross-site requests; the token
is the second lock (older browsers, same-site subdomains).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from starlette.responses import Response

from lotledger.console.adapters.tokens import read_identity
from lotledger.console.domain.errors import CsrfRejected, SignedOut
from lotledger.console.domain.identity import Identity
from lotledger.console.settings import ConsoleSettings

SESSION_COOKIE = "lotledger_session"
SEED_COOKIE = "lotledger_csrf"
CSRF_FIELD = "csrf"


@dataclass(frozen=True)
class Session:
    token: str
    identity: Identity


def settings_of(request: Request) -> ConsoleSettings:
    value: ConsoleSettings = request.app.state.settings
    return value


def csrf_token(settings: ConsoleSettings, seed: str) -> str:
    key = settings.console_cookie_secret.get_secret_value().encode()
    digest = hmac.new(key, b"csrf|" + seed.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def seed_of(request: Request) -> str:
    """The visitor's CSRF seed, made on first sight (the middleware sets the cookie)."""
    seed = request.cookies.get(SEED_COOKIE)
    if not seed or len(seed) > 64:
        seed = getattr(request.state, "new_seed", None) or secrets.token_urlsafe(24)
        request.state.new_seed = seed
    return seed


def csrf_for(request: Request) -> str:
    return csrf_token(settings_of(request), seed_of(request))


async def check_csrf(request: Request) -> None:
    """Dependency of every POST: the form's `csrf` must be the HMAC of the seed cookie."""
    seed = request.cookies.get(SEED_COOKIE)
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    if not seed or not isinstance(sent, str):
        raise CsrfRejected("the form carried no CSRF token; reload the page and try again")
    if not hmac.compare_digest(sent, csrf_token(settings_of(request), seed)):
        raise CsrfRejected("the form's CSRF token does not match; reload the page and try again")


def current_session(request: Request) -> Session:
    """The token from the OIDC proxy's header when one is configured and present, else from
    the sign-in cookie. Either way only the APIs' verdict on it counts."""
    header = settings_of(request).console_token_header
    forwarded = request.headers.get(header) if header else None
    token = forwarded.removeprefix("Bearer ").strip() if forwarded else None
    token = token or request.cookies.get(SESSION_COOKIE)
    identity = read_identity(token) if token else None
    if token is None or identity is None:
        raise SignedOut("sign in to continue")
    return Session(token, identity)


def optional_session(request: Request) -> Session | None:
    try:
        return current_session(request)
    except SignedOut:
        return None


SessionDep = Annotated[Session, Depends(current_session)]
Csrf = Depends(check_csrf)


def set_cookie(
    response: Response, settings: ConsoleSettings, name: str, value: str, age: int
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=age,
        httponly=True,
        samesite="strict",
        secure=settings.secure_cookies,
        path="/",
    )


def start_session(response: Response, settings: ConsoleSettings, token: str, seconds: int) -> None:
    set_cookie(response, settings, SESSION_COOKIE, token, seconds)
    set_cookie(
        response, settings, SEED_COOKIE, secrets.token_urlsafe(24), settings.console_session_max_s
    )


def end_session(response: Response, settings: ConsoleSettings) -> None:
    for name in (SESSION_COOKIE, SEED_COOKIE):
        response.delete_cookie(
            name, path="/", httponly=True, samesite="strict", secure=settings.secure_cookies
        )
