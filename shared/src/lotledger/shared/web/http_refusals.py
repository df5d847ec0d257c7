"""Refusals decided below the handlers, named as precisely as the handlers' own: which
methods a path offers (for 405's `Allow`), and which JSON member holds an integer too long
for Python to parse (well-formed JSON, so 422 naming the field, not 400)."""

from __future__ import annotations

import json
import sys
from typing import Any

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from starlette.routing import BaseRoute
from starlette.types import Scope

BODY_CHUNKS = "lotledger.body_chunks"
"""Scope key: the body chunks the body limit let through, for error reporting."""
INT_TOO_LONG = "int_too_long"


def allowed_methods(app: FastAPI, scope: Scope) -> list[str]:
    """Every method some route serves at this path, sorted (the `Allow` header's value)."""
    path = scope["path"]
    root = scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :]
    methods: set[str] = set()
    for context in iter_route_contexts(app.routes):
        route: BaseRoute = context.original_route
        regex = getattr(route, "path_regex", None)
        if regex is not None and regex.match(path):
            methods |= set(context.methods or ())
    return sorted(methods)


class _LongInteger:
    def __init__(self, digits: str) -> None:
        self.digits = digits


def _integer(text: str) -> int | _LongInteger:
    if len(text.lstrip("-")) > sys.get_int_max_str_digits():
        return _LongInteger(text)
    return int(text)


def long_integer_errors(body: bytes) -> list[dict[str, str]]:
    """Field errors for every integer in a JSON body too long to parse; [] if none (or if
    the body is not JSON for another reason)."""
    try:
        document = json.loads(body, parse_int=_integer)
    except (ValueError, RecursionError):
        return []
    limit = sys.get_int_max_str_digits()
    return [
        {
            "field": ".".join(path) or "body",
            "rule": INT_TOO_LONG,
            "message": f"integers have at most {limit} digits",
        }
        for path in _paths_of_long_integers(document, ())
    ]


def _paths_of_long_integers(value: Any, path: tuple[str, ...]) -> list[tuple[str, ...]]:
    if isinstance(value, _LongInteger):
        return [path]
    items: list[tuple[str, Any]]
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list):
        items = [(str(i), v) for i, v in enumerate(value)]
    else:
        return []
    return [found for key, item in items for found in _paths_of_long_integers(item, (*path, key))]
