"""Schemathesis against each running service, as `schemathesis run --checks all` would: the
examples, coverage and fuzzing phases, positive and negative data, every check it has
(no 5xx; status codes, content types, headers and bodies as documented; invalid data
refused and valid data not refused as malformed; 405 with `Allow` for undocumented methods;
auth enforced), plus ours: every error is problem+json whose `status` is the HTTP status.

One token holds every role, so what is refused is refused for the data, not the caller.
Valid data may still be refused by a rule JSON Schema cannot state (a GTIN's check digit, a
location's warehouse, a batch's state): 409 and 422 therefore count as accepting the data's
shape, while 400, 405, 413 and 415 do not. Bounded (examples per operation, a time budget
per service) so the three runs stay within about three minutes; the system under fuzz has
its own database, since fuzzing writes arbitrary valid data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import schemathesis
from schemathesis import Case
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, from_schema
from schemathesis.engine.events import FatalError, NonFatalError, ScenarioFinished
from schemathesis.engine.run import PhaseName

from tests.support.processes import System
from tests.support.tokens import token

ALL_ROLES = token("scanner", "sensor", "qa", "erp", "regulator", "admin", sub="fuzzer")
ACCEPTED_SHAPES = ["2xx", "401", "403", "404", "409", "422", "429"]
EXAMPLES = 6
SECONDS_PER_SERVICE = 40


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
    assert body["status"] == response.status_code, body
    assert "Traceback" not in response.text
    return True


@dataclass
class Run:
    operations: set[str] = field(default_factory=set)
    covered: set[str] = field(default_factory=set)
    failures: list[str] = field(default_factory=list)


def fuzz(system: System, service: str) -> Run:
    """Every phase but the stateful one over the service's schema, until each operation
    went through the examples and coverage phases and the time budget is spent fuzzing."""
    config = SchemathesisConfig.from_dict(
        {
            "seed": 13,
            "cache": {"enabled": False},
            "max-time": SECONDS_PER_SERVICE,
            "auth": {"openapi": {"HTTPBearer": {"bearer": ALL_ROLES}}},
            "request-timeout": 30,
            "workers": 1,
            "generation": {"mode": "all", "max-examples": EXAMPLES, "no-shrink": True},
            "phases": {"stateful": {"enabled": False}},
            "checks": {"positive_data_acceptance": {"expected-statuses": ACCEPTED_SHAPES}},
        }
    )
    schema = schemathesis.openapi.from_url(f"{system.urls[service]}/openapi.json", config=config)
    schema.config.checks.update(included_check_names=["all"])
    run = Run()
    for event in from_schema(schema).execute():
        if isinstance(event, ScenarioFinished) and event.label:
            run.operations.add(event.label)
            if event.phase is PhaseName.COVERAGE and event.status is not Status.SKIP:
                run.covered.add(event.label)
            run.failures.extend(_failures(event))
        elif isinstance(event, NonFatalError):
            run.failures.append(f"{event.label}: {event.info.title}: {event.info}")
        elif isinstance(event, FatalError):
            raise event.exception
    run.failures = sorted(set(run.failures))
    return run


def _failures(event: ScenarioFinished) -> list[str]:
    return [
        f"{event.label} [{check.name}] {check.failure_info.failure.title}: "
        f"{check.failure_info.failure.message}\n    {check.failure_info.code_sample}"
        for checks in event.recorder.checks.values()
        for check in checks
        if check.status is Status.FAILURE and check.failure_info is not None
    ]


def _assert_clean(run: Run, at_least: int) -> None:
    assert not run.failures, "\n".join(run.failures)
    assert len(run.operations) >= at_least
    assert run.covered == run.operations, f"not covered in time: {run.operations - run.covered}"


def test_inventory_api(private_system: System) -> None:
    _assert_clean(fuzz(private_system, "inventory"), at_least=20)


def test_alerts_api(private_system: System) -> None:
    _assert_clean(fuzz(private_system, "alerts"), at_least=12)


def test_traceability_api(private_system: System) -> None:
    _assert_clean(fuzz(private_system, "traceability"), at_least=10)
