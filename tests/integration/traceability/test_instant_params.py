"""Every date-time query parameter is an RFC 3339 instant with an offset, range-checked at the
edge, and every window obeys `from` ≤ `to`: bad ones are 422 problems naming the parameter
and the rule, never a 5xx and never silently reinterpreted."""

from __future__ import annotations

import httpx
import pytest

from tests.integration.traceability.conftest import Settle
from tests.support.tokens import bearer

READER = bearer("regulator")
CLIMATE = "/v1/locations/WH1/COLD-A/01/climate"
LATER, EARLIER = "2026-11-21T00:00:00Z", "2026-11-20T00:00:00Z"


def refused(response: httpx.Response, field: str, rule: str) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 422
    assert {"field": field, "rule": rule} in [
        {"field": e["field"], "rule": e["rule"]} for e in body["errors"]
    ]


@pytest.mark.parametrize("path", ["/v1/excursions", CLIMATE])
async def test_a_window_ending_before_it_starts_is_refused(
    trace_api: httpx.AsyncClient, path: str
) -> None:
    response = await trace_api.get(path, params={"from": LATER, "to": EARLIER}, headers=READER)
    refused(response, "query.to", "window_order")


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/v1/excursions", "from"),
        ("/v1/excursions", "to"),
        (CLIMATE, "from"),
        (CLIMATE, "to"),
        ("/v1/stock/as-of", "at"),
    ],
)
@pytest.mark.parametrize(
    "value",
    [
        "0.5",
        "1700000000",
        "2026-11-20T10:00:00",
        "2026-11-20",
        "2026-11-20T10:00:60Z",
        "2026-02-30T10:00:00Z",
        "9999-12-31T23:59:59-23:59",
        "0001-01-01T00:00:00+14:00",
    ],
)
async def test_an_instant_that_is_not_rfc3339_with_offset_in_range_is_refused(
    trace_api: httpx.AsyncClient, path: str, name: str, value: str
) -> None:
    response = await trace_api.get(path, params={name: value}, headers=READER)
    refused(response, f"query.{name}", "rfc3339_instant")


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/v1/stock/as-of", {"at": "9999-12-31T23:59:59Z"}),
        ("/v1/stock/as-of", {"at": "0001-01-01T00:00:00Z"}),
        ("/v1/stock/as-of", {"at": "2026-11-20T10:00:00.123456789+05:30"}),
        ("/v1/excursions", {"from": "0001-01-01T00:00:00Z", "to": "9999-12-31T23:59:59Z"}),
        ("/v1/excursions", {"from": LATER, "to": LATER}),
        (CLIMATE, {"to": "0001-01-01T00:00:01Z"}),
        (CLIMATE, {"from": "9999-12-31T00:00:00Z", "to": "9999-12-31T23:59:59Z"}),
    ],
)
async def test_instants_at_the_edges_of_the_range_are_answered(
    stock_api: httpx.AsyncClient,
    settled: Settle,
    trace_api: httpx.AsyncClient,
    path: str,
    params: dict[str, str],
) -> None:
    await settled()
    response = await trace_api.get(path, params=params, headers=READER)
    assert response.status_code == 200, response.text
