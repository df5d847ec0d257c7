"""Routing on encoded path segments, so a path parameter may hold `/` (docs/adr/0005).

Servers hand ASGI apps a decoded `path`, in which `AMB%2Fevents` has become `AMB/events`,
two segments. `EncodedSegments` rebuilds `path` from `raw_path` with every escape decoded
except `%2F` and `%25` (and a stray `%`, kept as `%25`), so routes match segment by segment
as the client wrote them, and the only escapes left in a parameter are those two.
`LotInPath` then decodes them: the lot reaches the handler decoded exactly once.
"""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import unquote

from fastapi import Path
from pydantic import AfterValidator, BeforeValidator
from starlette.convertors import Convertor, register_url_convertor
from starlette.types import ASGIApp, Receive, Scope, Send

from lotledger.shared.identifiers import LOCATION_SUBRESOURCES, LOT_PATTERN, LocationId, check_lot

_KEPT = re.compile(r"%2[Ff]|%25|%(?![0-9A-Fa-f]{2})")


def routing_path(raw_path: str) -> str:
    """`raw_path` decoded except for `%2F` and `%25`; a `%` that starts no escape is `%25`."""
    pieces = _KEPT.split(raw_path)
    kept = ["%2F" if token.lower() == "%2f" else "%25" for token in _KEPT.findall(raw_path)]
    return unquote(pieces[0]) + "".join(
        token + unquote(piece) for token, piece in zip(kept, pieces[1:], strict=True)
    )


def segment_value(segment: object) -> object:
    """A path parameter's value from its routed segment (the inverse of `routing_path`)."""
    return unquote(segment) if isinstance(segment, str) else segment


class EncodedSegments:
    """ASGI step before routing: `scope["path"]` as `routing_path(raw_path)`. Left alone
    when the server gave no `raw_path` or a `path` that is not its decoding."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw = scope.get("raw_path") if scope["type"] in ("http", "websocket") else None
        if raw and b"%" in raw:
            text = bytes(raw).split(b"?", 1)[0].decode("latin-1")
            if unquote(text) == scope["path"]:
                scope = {**scope, "path": routing_path(text)}
        await self.app(scope, receive, send)


LotInPath = Annotated[
    str,
    BeforeValidator(segment_value),
    AfterValidator(check_lot),
    Path(
        description="the lot as ONE percent-encoded path segment "
        "(`lotledger.shared.urls.lot_segment`): `AMB/events` is `AMB%2Fevents`",
        examples=["LOT-2026A"],
        json_schema_extra={"pattern": LOT_PATTERN},
    ),
]
"""A `{lot}` path parameter: routes say `{lot}` (never `{lot:path}`) and type it so."""


class LocationSegments(Convertor[str]):
    """`{location_id:location}`: a location id's slashes may be written as they are, but
    it never swallows a sub-resource (`…/audit` is the audit, and PUT on it is a 405)."""

    regex = r"[^/]+(?:/(?!(?:{names})(?:/|$))[^/]+)*".format(
        names="|".join(sorted(LOCATION_SUBRESOURCES))
    )

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("location", LocationSegments())

LocationInPath = Annotated[LocationId, BeforeValidator(segment_value)]
"""A `{location_id:location}` parameter: written with its slashes or as one encoded segment."""
