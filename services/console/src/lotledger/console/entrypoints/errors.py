"""Every failure becomes a clear page (or, for a caller asking for JSON, problem+json):
401 from an API → back to sign-in; 403 → "not allowed for your role or warehouses";
404 → not found; an unreachable API → 502. Never a stack trace."""

from __future__ import annotations

from urllib.parse import urlencode

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import RedirectResponse, Response

from lotledger.console.domain.errors import (
    BadForm,
    ConsoleError,
    CsrfRejected,
    Missing,
    NotAllowed,
    Refused,
    SignedOut,
    Unavailable,
)
from lotledger.console.entrypoints.session import end_session, settings_of
from lotledger.console.entrypoints.web import render
from lotledger.shared.web.problems import Problem

log = structlog.get_logger("lotledger.console.errors")

PAGES: dict[type[ConsoleError], tuple[int, str, str]] = {
    NotAllowed: (403, "forbidden", "Not allowed for your role or warehouses"),
    CsrfRejected: (403, "csrf", "This form has expired"),
    Missing: (404, "not-found", "Not found"),
    Refused: (409, "refused", "The action was refused"),
    BadForm: (422, "invalid-input", "Check what you entered"),
    Unavailable: (502, "unavailable", "A service is unavailable"),
}


def wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "json" in accept and "text/html" not in accept


def error_page(request: Request, status: int, slug: str, title: str, detail: str) -> Response:
    if wants_json(request):
        return Problem(status, slug, title, detail).response(request.url.path)
    return render(
        request,
        "error.html",
        {"status": status, "slug": slug, "title": title, "detail": detail},
        status=status,
    )


def install_error_pages(app: FastAPI) -> None:
    async def on_signed_out(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SignedOut)
        if request.method != "GET" or wants_json(request) or request.headers.get("x-fragment"):
            response = error_page(request, 401, "unauthorized", "Signed out", exc.detail)
        else:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            query = urlencode({"next": target, "reason": exc.detail})
            response = RedirectResponse(f"/login?{query}", status_code=303)
        if request.cookies.get("lotledger_session"):
            end_session(response, settings_of(request))
        return response

    async def on_console(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ConsoleError)
        status, slug, title = next(
            (spec for cls, spec in PAGES.items() if isinstance(exc, cls)),
            (500, "internal-error", "Something went wrong"),
        )
        return error_page(request, status, slug, title, exc.detail)

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 404:
            detail = "there is no page at this address"
            return error_page(request, 404, "not-found", "Not found", detail)
        detail = exc.detail if isinstance(exc.detail, str) else "the request was not accepted"
        return error_page(request, exc.status_code, "http-error", "Request refused", detail)

    async def on_invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        detail = f"{where}: {first.get('msg', 'invalid')}"
        return error_page(request, 422, "invalid-input", "Check what you entered", detail)

    async def on_unexpected(request: Request, exc: Exception) -> Response:
        log.error("unhandled_error", path=request.url.path, error=type(exc).__name__, exc_info=exc)
        detail = "the page failed unexpectedly; it has been logged"
        return error_page(request, 500, "internal-error", "Something went wrong", detail)

    app.add_exception_handler(SignedOut, on_signed_out)
    app.add_exception_handler(ConsoleError, on_console)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_invalid)
    app.add_exception_handler(Exception, on_unexpected)
