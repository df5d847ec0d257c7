"""Every integer a service accepts in a parameter or a body has an upper bound in its OpenAPI
document, so a value past what the database stores (a bigint) is refused at the edge with a
422 naming it, never sent to a query as a server error. Read from each app's document, so a
new parameter cannot slip past."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI

from lotledger.alerts.bootstrap import create_app as alerts_app
from lotledger.console.bootstrap import create_app as console_app
from lotledger.inventory.bootstrap import create_app as inventory_app
from lotledger.traceability.bootstrap import create_app as traceability_app

APPS: dict[str, Callable[[], FastAPI]] = {
    "inventory": inventory_app,
    "traceability": traceability_app,
    "alerts": alerts_app,
    "console": console_app,
}
BIGINT = 2**63 - 1
DOMAIN_CHECKED = {
    "alerts:PUT /v1/rules body.near_expiry_days[]",
    "alerts:PUT /v1/rules body.sensor_silence_minutes",
    "alerts:PUT /v1/rules body.excursion_grace_minutes",
    "alerts:PUT /v1/rules body.sweep_interval_seconds",
    "alerts:PUT /v1/rules body.out_of_range_silence_minutes",
}
"""Ranges `RulesConfig` checks itself, refused with its own problem type (test_rules_config)."""


def _integers(
    schema: Any, where: str, schemas: dict[str, Any], seen: frozenset[str]
) -> Iterator[tuple[str, Any]]:
    if not isinstance(schema, dict):
        return
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name not in seen:
            yield from _integers(schemas[name], where, schemas, seen | {name})
        return
    if schema.get("type") == "integer":
        yield where, schema
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, []):
            yield from _integers(option, where, schemas, seen)
    for name, prop in schema.get("properties", {}).items():
        yield from _integers(prop, f"{where}.{name}", schemas, seen)
    yield from _integers(schema.get("items"), f"{where}[]", schemas, seen)
    yield from _integers(schema.get("additionalProperties"), f"{where}{{}}", schemas, seen)


def integers(service: str, app: FastAPI) -> list[tuple[str, Any]]:
    document = app.openapi()
    schemas = document.get("components", {}).get("schemas", {})
    found: list[tuple[str, Any]] = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            route = f"{service}:{method.upper()} {path}"
            for param in operation.get("parameters", []):
                found += _integers(
                    param["schema"], f"{route} {param['in']}.{param['name']}", schemas, frozenset()
                )
            for content in operation.get("requestBody", {}).get("content", {}).values():
                found += _integers(content.get("schema"), f"{route} body", schemas, frozenset())
    return found


FOUND = [found for service, create in APPS.items() for found in integers(service, create())]


def test_the_services_take_integer_parameters() -> None:
    assert {where for where, _ in FOUND} >= {
        "inventory:GET /v1/sensors query.offset",
        "inventory:GET /v1/stock query.limit",
        "traceability:GET /v1/lots query.offset",
        "alerts:GET /v1/webhooks/{webhook_id}/deliveries query.cursor",
        "console:GET /lots/{gtin}/{lot} query.page",
    } | DOMAIN_CHECKED


@pytest.mark.parametrize(
    ("where", "schema"), [pytest.param(w, s, id=w) for w, s in FOUND if w not in DOMAIN_CHECKED]
)
def test_every_integer_has_an_upper_bound_the_database_can_hold(
    where: str, schema: dict[str, Any]
) -> None:
    bound = schema.get("maximum", schema.get("exclusiveMaximum"))
    assert bound is not None, f"{where} has no maximum"
    assert bound <= BIGINT
