"""Every date-time query parameter any service documents is the shared Instant: a number, a
naive date-time or an instant outside the UTC range is refused at the edge (422), whatever
the route. Read from each app's OpenAPI document, so a new parameter cannot slip past."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from lotledger.alerts.bootstrap import create_app as alerts_app
from lotledger.inventory.bootstrap import create_app as inventory_app
from lotledger.shared.instants import RULE
from lotledger.traceability.bootstrap import create_app as traceability_app

APPS: dict[str, Callable[[], FastAPI]] = {
    "inventory": inventory_app,
    "traceability": traceability_app,
    "alerts": alerts_app,
}
NOT_INSTANTS = ["0.5", "1700000000", "2026-11-20T10:00:00", "0001-01-01T00:00:00+14:00"]


def _is_date_time(schema: dict[str, Any]) -> bool:
    options = schema.get("anyOf", [schema])
    return any(o.get("format") == "date-time" for o in options)


def _query_fields(dependant: Dependant) -> Iterator[Any]:
    yield from dependant.query_params
    for sub in dependant.dependencies:
        yield from _query_fields(sub)


def date_time_params(app: FastAPI) -> list[tuple[str, str, Any]]:
    routes = {
        (method, context.path_format): context.original_route
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute)
        for method in context.methods or ()
    }
    found = []
    for path, operations in app.openapi()["paths"].items():
        for method, operation in operations.items():
            for param in operation.get("parameters", []):
                if param["in"] == "query" and _is_date_time(param["schema"]):
                    fields = _query_fields(routes[(method.upper(), path)].dependant)
                    [field] = [f for f in fields if f.alias == param["name"]]
                    found.append((f"{method.upper()} {path}", param["name"], field))
    return found


FOUND = [
    (f"{service}:{where}", name, field)
    for service, create in APPS.items()
    for where, name, field in date_time_params(create())
]
PARAMS = [
    pytest.param(field, value, id=f"{where}?{name}={value}")
    for where, name, field in FOUND
    for value in NOT_INSTANTS
]


def test_the_services_document_date_time_query_parameters() -> None:
    assert {where for where, _, _ in FOUND} >= {
        "traceability:GET /v1/stock/as-of",
        "traceability:GET /v1/excursions",
        "traceability:GET /v1/locations/{location_id}/climate",
    }


@pytest.mark.parametrize(("field", "value"), PARAMS)
def test_every_date_time_query_parameter_is_an_instant(field: Any, value: str) -> None:
    _, errors = field.validate(value, loc=("query", field.alias))
    assert [e["type"] for e in errors] == [RULE]
