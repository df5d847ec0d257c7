"""Rendering pages: the Jinja2 environment, its filters, and the one `render` every router
uses (it adds who is signed in, the CSRF token and no-store caching)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from lotledger.console.adapters.urls import lot_path
from lotledger.console.entrypoints.session import (
    SEED_COOKIE,
    csrf_for,
    optional_session,
    set_cookie,
    settings_of,
)
from lotledger.shared.urls import lot_segment
from lotledger.shared.web.paths import segment_value

HERE = Path(__file__).parent.parent
STATIC = HERE / "static"


def segment(value: str) -> str:
    """A path parameter as the user meant it: routing keeps `%2F` and `%25` inside a
    segment (`shared.web.paths.EncodedSegments`), so each one is decoded once, here."""
    return str(segment_value(value))


def when(value: datetime | None) -> str:
    if value is None:
        return "—"
    return value.strftime("%Y-%m-%d %H:%M:%S UTC") if value.utcoffset() is not None else str(value)


def day(value: date | None) -> str:
    return "—" if value is None else value.isoformat()


def qty(value: int | float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"


def lot_url(gtin: str, lot: str, suffix: str = "") -> str:
    return f"/lots/{lot_path(gtin, lot)}{suffix}"


def query(params: dict[str, Any], **changes: Any) -> str:
    merged = {**params, **changes}
    return urlencode({k: v for k, v in merged.items() if v not in (None, "")})


def templates() -> Jinja2Templates:
    t = Jinja2Templates(directory=str(HERE / "templates"))
    t.env.filters.update(when=when, day=day, qty=qty, seg=lot_segment)
    t.env.globals.update(lot_url=lot_url, query=query)
    t.env.trim_blocks = True
    t.env.lstrip_blocks = True
    return t


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status: int = 200
) -> Response:
    settings = settings_of(request)
    jinja: Jinja2Templates = request.app.state.templates
    values = {
        "session": optional_session(request),
        "csrf": csrf_for(request),
        "settings": settings,
        **(context or {}),
    }
    response = jinja.TemplateResponse(request, name, values, status_code=status)
    _finish(request, response)
    return response


def _finish(request: Request, response: Response) -> None:
    response.headers["cache-control"] = "no-store"
    seed = getattr(request.state, "new_seed", None)
    if seed:
        settings = settings_of(request)
        set_cookie(response, settings, SEED_COOKIE, seed, settings.console_session_max_s)


def no_store(request: Request, response: Response) -> Response:
    _finish(request, response)
    return response
