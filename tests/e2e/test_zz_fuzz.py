"""Schemathesis against each running service's OpenAPI document, with a token holding
every role: no 5xx, every response conforms to the documented schema, and every error is
problem+json. Schema-valid data may still be refused with a 4xx (a GTIN's check digit or a
storage class's range cannot be written in JSON Schema), so that check is left out; so is
its unauthenticated-probe check, which re-sent our token — 401s without a token are proven
endpoint by endpoint in tests/integration/security.
Examples are bounded so the suite stays fast; the system under fuzz has its own database
because fuzzing writes arbitrary valid data."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import Case
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

from tests.e2e.conftest import System
from tests.support.tokens import bearer

ALL_ROLES = bearer("scanner", "sensor", "qa", "erp", "regulator", "admin", sub="fuzzer")
EXAMPLES = 8


@schemathesis.check
def problem_json_on_errors(ctx: Any, response: Any, case: Case[Any]) -> bool | None:
    if response.status_code < 400:
        return None
    content_type = response.headers.get("content-type", [""])
    content_type = content_type[0] if isinstance(content_type, list) else content_type
    assert content_type.startswith("application/problem+json"), (
        f"{response.status_code} answered with {content_type}"
    )
    body = response.json()
    assert {"type", "title", "status"} <= set(body), body
    assert body["status"] == response.status_code
    assert "Traceback" not in response.text
    return True


def fuzz(system: System, service: str) -> int:
    """Run every operation of the service's schema; returns the operations exercised."""
    schema = schemathesis.openapi.from_url(f"{system.urls[service]}/openapi.json")
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        @given(operation.as_strategy())
        def exercise(case: Case[Any]) -> None:
            case.call_and_validate(
                headers=ALL_ROLES,
                timeout=30,
                excluded_checks=[positive_data_acceptance, ignored_auth],
            )

        exercise()
        operations += 1
    return operations


def test_inventory_api(private_system: System) -> None:
    assert fuzz(private_system, "inventory") >= 20


def test_alerts_api(private_system: System) -> None:
    assert fuzz(private_system, "alerts") >= 12


def test_traceability_api(private_system: System) -> None:
    assert fuzz(private_system, "traceability") >= 10
