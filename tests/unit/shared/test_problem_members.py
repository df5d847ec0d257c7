"""RFC 9457 reserved members belong to the problem, never to a refusal's context: whatever
facts a refusal carries, a problem's `status` is the HTTP status it is answered with."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lotledger.shared.errors import RESERVED_CONTEXT, DomainError
from lotledger.shared.web.problems import (
    RESERVED_MEMBERS,
    Problem,
    ProblemSpec,
    install_problem_handlers,
    problem_for,
)


class Refused(DomainError):
    pass


STATUSES = st.sampled_from([400, 403, 404, 409, 412, 422, 429, 503])
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)
NAMES = st.sampled_from(sorted(RESERVED_CONTEXT)) | st.from_regex(r"[a-z_]{1,12}", fullmatch=True)
CONTEXTS = st.dictionaries(NAMES.filter(lambda n: n not in ("detail", "field")), JSON_VALUES)


@given(context=CONTEXTS, status=STATUSES, field=st.none() | st.just("qty"))
def test_a_refusal_context_never_sets_a_reserved_member(
    context: dict[str, Any], status: int, field: str | None
) -> None:
    clashing = set(context) & RESERVED_CONTEXT
    if clashing:
        with pytest.raises(TypeError, match="reserved"):
            Refused("no", field=field, **context)
        return
    spec = ProblemSpec(status, "refused", "Refused")
    body = problem_for(Refused("no", field=field, **context), {Refused: spec}).body("/x")
    assert body["status"] == status
    assert (body["type"], body["title"], body["instance"]) == (
        "urn:lotledger:problem:refused",
        "Refused",
        "/x",
    )
    assert {k: body[k] for k in context} == context


@given(extensions=st.dictionaries(NAMES, JSON_VALUES), status=STATUSES)
def test_a_problem_refuses_extensions_named_like_reserved_members(
    extensions: dict[str, Any], status: int
) -> None:
    if set(extensions) & RESERVED_MEMBERS:
        with pytest.raises(TypeError, match="reserved"):
            Problem(status, "refused", "Refused", "no", extensions)
        return
    assert Problem(status, "refused", "Refused", "no", extensions).body()["status"] == status


def _app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app, {})

    @app.post("/refuse/{status}")
    async def refuse(status: int, context: dict[str, Any]) -> None:
        spec = ProblemSpec(status, "refused", "Refused")
        raise Problem(spec.status, spec.slug, spec.title, "no", context)

    @app.post("/domain")
    async def domain(context: dict[str, Any]) -> None:
        raise Refused("no", **context)

    return app


APP = _app()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(context=CONTEXTS.filter(lambda c: not set(c) & RESERVED_CONTEXT), status=STATUSES)
async def test_through_an_app_the_body_status_is_the_response_status(
    context: dict[str, Any], status: int
) -> None:
    transport = httpx.ASGITransport(app=APP, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        for response, expected in (
            (await client.post(f"/refuse/{status}", json=context), status),
            (await client.post("/domain", json=context), 422),
        ):
            assert response.status_code == expected
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["status"] == expected
