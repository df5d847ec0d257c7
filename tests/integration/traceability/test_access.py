"""Who reads what (DESIGN §10), warehouse scoping, problem+json answers and paging."""

from datetime import timedelta

import httpx
import pytest

from lotledger.shared.clock import ManualClock
from lotledger.shared.urls import lot_segment
from tests.integration.traceability.conftest import START, Settle
from tests.support.tokens import bearer
from tests.support.world import COLD, PHARMACIES, SUPPLIER, fresh_lot

ROAMING_SCANNER = bearer("scanner", warehouses=["WH1", "WH2"])
WH1, WH2 = "WH1/COLD-A/01", "WH2/COLD-A/01"


@pytest.fixture(scope="module")
async def lot(stock_api: httpx.AsyncClient, clock: ManualClock, settled: Settle) -> str:
    """Received in WH1, 10 moved to WH2, 5 of those shipped from WH2."""
    name = fresh_lot("AC")
    k = {"gtin": COLD, "lot": name}
    steps = [
        (
            "/v1/receipts",
            {**k, "qty": 40, "location": WH1, "expiry": "2028-03-31", "supplier": SUPPLIER},
        ),
        ("/v1/moves", {**k, "qty": 10, "from_location": WH1, "to_location": WH2}),
        (
            "/v1/picks",
            {**k, "qty": 5, "location": WH2, "order_ref": "SO-AC", "ship_to": PHARMACIES[1]},
        ),
    ]
    for i, (path, body) in enumerate(steps):
        clock.set(START + timedelta(days=5, hours=i))
        response = await stock_api.post(path, json=body, headers=ROAMING_SCANNER)
        assert response.status_code == 201, response.text
    await settled()
    return name


def problem(response: httpx.Response, status: int, slug: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == f"urn:lotledger:problem:{slug}"


async def test_readers_read_and_nobody_else(trace_api: httpx.AsyncClient, lot: str) -> None:
    url = f"/v1/lots/{COLD}/{lot_segment(lot)}"
    response = await trace_api.get(url)
    problem(response, 401, "unauthorized")
    assert response.headers["www-authenticate"].startswith("Bearer")
    for role in ("scanner", "sensor"):
        problem(await trace_api.get(url, headers=bearer(role)), 403, "forbidden")
    for role in ("regulator", "erp", "qa", "admin"):
        assert (await trace_api.get(url, headers=bearer(role))).status_code == 200
    response = await trace_api.post("/v1/lots", json={}, headers=bearer("admin"))
    problem(response, 405, "method-not-allowed")


async def test_a_scoped_token_sees_its_warehouses_only(
    trace_api: httpx.AsyncClient, lot: str
) -> None:
    only_wh2 = bearer("regulator", warehouses=["WH2"])
    summary = (await trace_api.get(f"/v1/lots/{COLD}/{lot_segment(lot)}", headers=only_wh2)).json()
    assert [(b["location"], b["qty"]) for b in summary["balances"]] == [(WH2, 5)]
    trace = (
        await trace_api.get(f"/v1/lots/{COLD}/{lot_segment(lot)}/trace", headers=only_wh2)
    ).json()
    assert [s["type"] for s in trace["path"]] == ["moved", "picked"]
    assert (trace["origin"], len(trace["destinations"])) == ([], 1)

    only_wh1 = bearer("regulator", warehouses=["WH1"])
    trace = (
        await trace_api.get(f"/v1/lots/{COLD}/{lot_segment(lot)}/trace", headers=only_wh1)
    ).json()
    assert [s["type"] for s in trace["path"]] == ["received", "moved"]
    assert trace["destinations"] == []

    elsewhere = bearer("regulator", warehouses=["WH9"])
    problem(
        await trace_api.get(f"/v1/lots/{COLD}/{lot_segment(lot)}/trace", headers=elsewhere),
        403,
        "forbidden",
    )
    listed = await trace_api.get(
        "/v1/lots", params={"gtin": COLD, "limit": 1000}, headers=elsewhere
    )
    assert lot not in [e["lot"] for e in listed.json()["items"]]
    as_of = await trace_api.get(
        "/v1/stock/as-of",
        params={"at": (START + timedelta(days=6)).isoformat(), "location": WH1},
        headers=only_wh2,
    )
    problem(as_of, 403, "forbidden")
    problem(
        await trace_api.get("/v1/excursions", params={"location": WH1}, headers=only_wh2),
        403,
        "forbidden",
    )


@pytest.mark.parametrize(
    ("path", "params", "status", "slug"),
    [
        (f"/v1/lots/{COLD}/NO-SUCH-LOT", {}, 404, "unknown-lot"),
        (f"/v1/lots/{COLD}/NO-SUCH-LOT/trace", {}, 404, "unknown-lot"),
        ("/v1/lots/12345/L1", {}, 422, "invalid-input"),
        ("/v1/lots", {"limit": 5000}, 422, "invalid-input"),
        ("/v1/lots", {"status": "lost"}, 422, "invalid-input"),
        ("/v1/stock/as-of", {}, 422, "invalid-input"),
        ("/v1/stock/as-of", {"at": "2026-11-20T10:00:00"}, 422, "invalid-input"),
        ("/v1/stock/as-of", {"at": "yesterday"}, 422, "invalid-input"),
        (
            "/v1/locations/WH1/COLD-A/01/climate",
            {"from": "2026-11-21T00:00:00Z", "to": "2026-11-20T00:00:00Z"},
            422,
            "invalid-input",
        ),
        (
            "/v1/locations/WH1/COLD-A/01/climate",
            {"from": "2025-01-01T00:00:00Z", "to": "2026-11-20T00:00:00Z"},
            422,
            "invalid-input",
        ),
        ("/v1/locations/WH1/NOWHERE/climate", {}, 404, "unknown-location"),
        ("/v1/consignees/not a party/lots", {}, 422, "invalid-input"),
    ],
)
async def test_bad_requests_get_problems(
    trace_api: httpx.AsyncClient, path: str, params: dict[str, str | int], status: int, slug: str
) -> None:
    problem(await trace_api.get(path, params=params, headers=bearer("regulator")), status, slug)


async def test_lists_page_with_bounded_limits(trace_api: httpx.AsyncClient, lot: str) -> None:
    reader = bearer("regulator")
    query: dict[str, str | int] = {
        "at": (START + timedelta(days=6)).isoformat(),
        "gtin": COLD,
        "limit": 1,
    }
    first = (await trace_api.get("/v1/stock/as-of", params=query, headers=reader)).json()
    assert (len(first["items"]), first["next_offset"]) == (1, 1)
    second = await trace_api.get("/v1/stock/as-of", params={**query, "offset": 1}, headers=reader)
    assert second.json()["items"] != first["items"]
    last = (await trace_api.get("/v1/lots", params={"offset": 10**6}, headers=reader)).json()
    assert (last["items"], last["next_offset"]) == ([], None)


async def test_the_openapi_document_lists_every_read_endpoint(trace_api: httpx.AsyncClient) -> None:
    paths = (await trace_api.get("/openapi.json")).json()["paths"]
    assert {
        "/v1/lots",
        "/v1/lots/{gtin}/{lot}",
        "/v1/lots/{gtin}/{lot}/trace",
        "/v1/lots/{gtin}/{lot}/recall-report",
        "/v1/lots/{gtin}/{lot}/excursions",
        "/v1/lots/{gtin}/{lot}/epcis",
        "/v1/lots/{gtin}/{lot}/verify",
        "/v1/consignees/{party}/lots",
        "/v1/stock/as-of",
        "/v1/excursions",
        "/v1/locations/{location_id}/climate",
    } <= set(paths)
    assert all(set(operations) == {"get"} for p, operations in paths.items() if p.startswith("/v1"))


async def test_a_lot_with_a_slash_is_addressed_as_one_encoded_segment(
    stock_api: httpx.AsyncClient, trace_api: httpx.AsyncClient, clock: ManualClock, settled: Settle
) -> None:
    name = f"SL/{fresh_lot('S')}"
    clock.set(START + timedelta(days=5, hours=6))
    receipt = {"gtin": COLD, "lot": name, "qty": 3, "location": WH1, "expiry": "2028-03-31",
               "supplier": SUPPLIER}  # fmt: skip
    response = await stock_api.post("/v1/receipts", json=receipt, headers=ROAMING_SCANNER)
    assert response.status_code == 201, response.text
    await settled()
    reader = bearer("regulator")
    summary = await trace_api.get(f"/v1/lots/{COLD}/{lot_segment(name)}", headers=reader)
    assert (summary.status_code, summary.json()["lot"]) == (200, name)
    trace = (
        await trace_api.get(f"/v1/lots/{COLD}/{lot_segment(name)}/trace", headers=reader)
    ).json()
    assert [s["type"] for s in trace["path"]] == ["received"]
    assert (
        await trace_api.get(f"/v1/lots/{COLD}/{lot_segment(name)}/verify", headers=reader)
    ).json()["ok"]
