"""Every GS1 AI 82 lot round-trips through a URL as one segment (docs/adr/0005): the client
encodes it with `lot_segment`, the app routes on encoded segments, the handler sees the lot
decoded exactly once, and no lot reaches another lot's or another route's handler."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from hypothesis import given, settings
from hypothesis import strategies as st

from lotledger.alerts.bootstrap import create_app as alerts_app
from lotledger.inventory.bootstrap import create_app as inventory_app
from lotledger.shared.urls import lot_segment
from lotledger.shared.web.paths import EncodedSegments, LotInPath, routing_path
from lotledger.traceability.bootstrap import create_app as traceability_app

AI82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
LOTS = st.text(alphabet=AI82, min_size=1, max_size=20)


def test_the_ai82_set_has_82_characters() -> None:
    assert len(set(AI82)) == 82


@given(LOTS)
def test_a_segment_is_one_segment_that_decodes_to_the_lot(lot: str) -> None:
    segment = lot_segment(lot)
    assert "/" not in segment
    assert segment not in (".", "..")
    assert set(segment) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%"
    )
    routed = routing_path(f"/v1/batches/09506000134352/{segment}/events")
    assert routed.count("/") == 5


def _app() -> FastAPI:
    app = FastAPI()

    @app.get("/b/{lot}")
    async def batch(lot: LotInPath) -> dict[str, str]:
        return {"route": "batch", "lot": lot}

    @app.get("/b/{lot}/events")
    async def events(lot: LotInPath) -> dict[str, str]:
        return {"route": "events", "lot": lot}

    return app


@pytest.fixture(scope="module")
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=EncodedSegments(_app()))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        yield c


@settings(max_examples=300, deadline=None)
@given(lot=LOTS)
async def test_every_lot_reaches_its_own_route_decoded_once(
    client: httpx.AsyncClient, lot: str
) -> None:
    for suffix, route in (("", "batch"), ("/events", "events")):
        response = await client.get(f"/b/{lot_segment(lot)}{suffix}")
        assert response.json() == {"route": route, "lot": lot}


@pytest.mark.parametrize(
    "lot", [".", "..", "/", "AMB/events", "AMB/trace", "%", "%2F", "%25", "%%2F", "a/../b", "?x"]
)
async def test_lots_that_look_like_paths_or_escapes(client: httpx.AsyncClient, lot: str) -> None:
    assert (await client.get(f"/b/{lot_segment(lot)}")).json() == {"route": "batch", "lot": lot}
    events = await client.get(f"/b/{lot_segment(lot)}/events")
    assert events.json() == {"route": "events", "lot": lot}


def test_a_stray_percent_is_a_literal_percent() -> None:
    assert routing_path("/b/%%32F/%zz/%2f%41") == "/b/%252F/%25zz/%2FA"


def _lot_routes() -> list[tuple[str, APIRoute]]:
    return [
        (f"{service}:{context.path_format}", context.original_route)
        for service, create in (
            ("inventory", inventory_app),
            ("traceability", traceability_app),
            ("alerts", alerts_app),
        )
        for context in iter_route_contexts(create().routes)
        if isinstance(context.original_route, APIRoute) and "{lot" in context.original_route.path
    ]


LOT_ROUTES = _lot_routes()


def test_lot_routes_are_found() -> None:
    assert len(LOT_ROUTES) >= 12


@pytest.mark.parametrize(("where", "route"), LOT_ROUTES, ids=[w for w, _ in LOT_ROUTES])
def test_every_lot_route_takes_one_segment_decoded_once(where: str, route: APIRoute) -> None:
    assert "{lot}" in route.path, f"{where}: a lot is one segment, never {{lot:path}}"
    [field] = [f for f in route.dependant.path_params if f.alias == "lot"] or [
        f for sub in route.dependant.dependencies for f in sub.path_params if f.alias == "lot"
    ]
    assert field.validate("AMB%2Fevents", loc=("path", "lot")) == ("AMB/events", [])
    assert field.validate("%252F", loc=("path", "lot")) == ("%2F", [])
