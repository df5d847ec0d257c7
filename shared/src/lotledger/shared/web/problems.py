"""RFC 9457 problem+json responses: one shape for every error a service returns.

Validation failures (422) list each offending field with the rule it broke; malformed
JSON is 400; a schema the service's migrations have not reached is 503; unexpected
failures are 500 with no stack trace or SQL in the body.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson
import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from lotledger.shared.auth import AuthError, Forbidden
from lotledger.shared.errors import PROBLEM_MEMBERS, Conflict, DomainError, NotFound
from lotledger.shared.web.http_refusals import BODY_CHUNKS, allowed_methods, long_integer_errors

MEDIA_TYPE = "application/problem+json"
RESERVED_MEMBERS = PROBLEM_MEMBERS
log = structlog.get_logger("lotledger.problems")


def problem_type(slug: str) -> str:
    return f"urn:lotledger:problem:{slug}"


@dataclass
class Problem(Exception):
    """An RFC 9457 problem. `extensions` never name a member of RESERVED_MEMBERS (refused
    at construction), so `status` in the body is always the HTTP status it is sent with."""

    status: int
    slug: str
    title: str
    detail: str | None = None
    extensions: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if clashing := RESERVED_MEMBERS.intersection(self.extensions):
            raise TypeError(f"problem extensions use reserved member(s) {sorted(clashing)}")

    def body(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": problem_type(self.slug),
            "title": self.title,
            "status": self.status,
        }
        if self.detail:
            body["detail"] = self.detail
        if instance:
            body["instance"] = instance
        for name, value in self.extensions.items():
            body.setdefault(name, value)
        return body

    def response(self, instance: str | None = None) -> Response:
        return Response(
            orjson.dumps(self.body(instance)),
            status_code=self.status,
            media_type=MEDIA_TYPE,
            headers=self.headers or None,
        )


class FieldError(BaseModel):
    field: str
    rule: str
    message: str


class ProblemDetails(BaseModel):
    """RFC 9457 problem details; members beyond these carry the refusal's facts."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(examples=["urn:lotledger:problem:insufficient-stock"])
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[FieldError] | None = None


ERROR_STATUSES = {
    400: "Malformed JSON",
    401: "No valid bearer token",
    403: "Role or warehouse not covered",
    404: "Unknown resource",
    405: "Method not offered on this path (see Allow)",
    409: "Refused by the current state",
    413: "Body too large",
    422: "Invalid input (fields and rules named)",
    429: "Write rate exceeded (Retry-After)",
    500: "Unexpected failure (logged; no internals in the body)",
    503: "A dependency is unavailable",
}


def problem_responses() -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` documenting problem+json for every error status."""
    schema = ProblemDetails.model_json_schema(ref_template="#/components/schemas/{model}")
    field_error = schema.pop("$defs")["FieldError"]
    schema["properties"]["errors"] = {
        "anyOf": [{"type": "array", "items": field_error}, {"type": "null"}]
    }
    return {
        status: {"description": text, "content": {MEDIA_TYPE: {"schema": schema}}}
        for status, text in ERROR_STATUSES.items()
    }


@dataclass(frozen=True)
class ProblemSpec:
    status: int
    slug: str
    title: str


DomainProblemMap = Mapping[type[DomainError], ProblemSpec]

BASE_MAP: dict[type[DomainError], ProblemSpec] = {
    NotFound: ProblemSpec(404, "not-found", "Not found"),
    Conflict: ProblemSpec(409, "conflict", "Conflict"),
}

_HTTP_SLUGS = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    409: "conflict",
    413: "payload-too-large",
    415: "unsupported-media-type",
    429: "too-many-requests",
}


def problem_for(exc: DomainError, mapping: DomainProblemMap) -> Problem:
    for cls in type(exc).__mro__:
        spec = mapping.get(cls) or BASE_MAP.get(cls)
        if spec is not None:
            extensions = dict(exc.context)
            if exc.field:
                extensions["errors"] = [
                    {"field": exc.field, "rule": spec.slug, "message": exc.detail}
                ]
            return Problem(spec.status, spec.slug, spec.title, exc.detail, extensions)
    return Problem(
        422, "rule-violation", "Refused by a business rule", exc.detail, dict(exc.context)
    )


def validation_errors(errors: list[Any]) -> list[dict[str, str]]:
    out = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body",)]
        out.append(
            {
                "field": ".".join(loc) or "body",
                "rule": str(err.get("type", "invalid")),
                "message": str(err.get("msg", "invalid")),
            }
        )
    return out


def invalid_input(errors: list[dict[str, str]]) -> Problem:
    first = errors[0] if errors else {"field": "body", "message": "invalid", "rule": "invalid"}
    detail = f"{first['field']}: {first['message']} ({first['rule']})"
    if len(errors) > 1:
        detail += f"; and {len(errors) - 1} more"
    return Problem(422, "invalid-input", "Invalid input", detail, {"errors": errors})


UNDEFINED_OBJECTS = frozenset({"42P01", "42703", "42883", "3F000"})
"""SQLSTATEs of a table, column, function or schema the statement names but the database
lacks: the service's SQL is fixed, so its schema is not migrated to this version."""
SCHEMA_NOT_MIGRATED = Problem(
    503,
    "schema-not-migrated",
    "Database schema not migrated",
    "the service's database schema is not at this version; run the service's `migrate`",
)


def missing_schema_object(exc: BaseException) -> str | None:
    """The SQLSTATE, when `exc` or an error it wraps (SQLAlchemy's `orig`, a cause) is a
    missing schema object."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        error = pending.pop()
        if error is None or id(error) in seen:
            continue
        seen.add(id(error))
        if (state := getattr(error, "sqlstate", None)) in UNDEFINED_OBJECTS:
            return str(state)
        orig = getattr(error, "orig", None)
        pending += [orig if isinstance(orig, BaseException) else None, error.__cause__]
    return None


def install_problem_handlers(app: FastAPI, mapping: DomainProblemMap | None = None) -> None:
    domain_map: DomainProblemMap = mapping or {}

    async def on_problem(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Problem)
        return exc.response(request.url.path)

    async def on_domain(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, DomainError)
        return problem_for(exc, domain_map).response(request.url.path)

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError | ValidationError)
        errors = list(exc.errors())
        if any(e.get("type") == "json_invalid" for e in errors):
            return Problem(
                400, "malformed-json", "Malformed JSON", "the request body is not valid JSON"
            ).response(request.url.path)
        return invalid_input(validation_errors(errors)).response(request.url.path)

    async def on_auth(request: Request, exc: Exception) -> Response:
        return Problem(
            401,
            "unauthorized",
            "Unauthorized",
            str(exc),
            headers={"WWW-Authenticate": 'Bearer realm="lotledger"'},
        ).response(request.url.path)

    async def on_forbidden(request: Request, exc: Exception) -> Response:
        return Problem(403, "forbidden", "Forbidden", str(exc)).response(request.url.path)

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(request.app, request.scope))
        elif exc.status_code == 400 and (
            errors := long_integer_errors(b"".join(request.scope.get(BODY_CHUNKS, ())))
        ):
            return invalid_input(errors).response(request.url.path)
        slug = _HTTP_SLUGS.get(exc.status_code, "http-error")
        title = slug.replace("-", " ").capitalize()
        detail = exc.detail if isinstance(exc.detail, str) else None
        return Problem(exc.status_code, slug, title, detail, headers=headers).response(
            request.url.path
        )

    async def on_unexpected(request: Request, exc: Exception) -> Response:
        if missing := missing_schema_object(exc):
            log.error("schema_not_migrated", path=request.url.path, sqlstate=missing)
            return SCHEMA_NOT_MIGRATED.response(request.url.path)
        log.error("unhandled_error", path=request.url.path, error=type(exc).__name__, exc_info=exc)
        return Problem(
            500,
            "internal-error",
            "Internal error",
            "the request failed unexpectedly; it has been logged",
        ).response(request.url.path)

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(DomainError, on_domain)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(ValidationError, on_validation)
    app.add_exception_handler(AuthError, on_auth)
    app.add_exception_handler(Forbidden, on_forbidden)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_unexpected)
