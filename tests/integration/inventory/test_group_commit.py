"""Group commit: concurrent single POSTs committed together keep their outcomes apart.

200 concurrent picks across 50 batches, each batch holding 3 units: per batch 4 picks, so
one is refused for stock, and on every fifth batch two of them are retries of one
idempotency key (one live answer, one replay, 3 units taken). Each request gets exactly
its own answer and every stream is exactly the receipt and the picks answered 201."""

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from lotledger.inventory.bootstrap import create_app
from lotledger.inventory.service.group_commit import GroupCommit
from lotledger.inventory.settings import InventorySettings
from lotledger.shared.clock import ManualClock
from lotledger.shared.urls import lot_segment
from tests.integration.conftest import TODAY
from tests.support.apps import serve
from tests.support.tokens import bearer
from tests.support.world import COLD, PHARMACIES, SUPPLIER, fresh_lot

SCANNER = bearer("scanner", warehouses=["WH1"])
BATCHES = 50
PICKS = 4
SHELF = "WH1/COLD-A/01"
PICKED = "lotledger.stock.picked.v1"


@pytest.fixture
async def grouped(
    inventory: httpx.AsyncClient, inventory_settings: InventorySettings
) -> AsyncIterator[httpx.AsyncClient]:
    """An inventory app of its own (its group commit observable), on the catalog the
    session's app seeded."""
    app = create_app(
        inventory_settings.model_copy(
            update={"inventory_group_commit_window_ms": 5.0, "rate_limit_per_s": 0.0}
        ),
        ManualClock(TODAY),
    )
    async with serve(app) as client:
        client.app = app  # type: ignore[attr-defined]
        yield client


def _pick(lot: str, n: int) -> dict[str, object]:
    return {
        "gtin": COLD,
        "lot": lot,
        "qty": 1,
        "location": SHELF,
        "order_ref": f"SO-{lot}-{n}",
        "ship_to": PHARMACIES[n % 3],
    }


async def test_concurrent_single_posts_keep_their_own_outcomes(
    grouped: httpx.AsyncClient,
) -> None:
    lots = [fresh_lot("GROUP") for _ in range(BATCHES)]
    receipts = await asyncio.gather(
        *(
            grouped.post(
                "/v1/receipts",
                headers=SCANNER,
                json={
                    "gtin": COLD,
                    "lot": lot,
                    "expiry": "2028-03-31",
                    "qty": 3,
                    "location": SHELF,
                    "supplier": SUPPLIER,
                },
            )
            for lot in lots
        )
    )
    assert [r.status_code for r in receipts] == [201] * BATCHES

    keyed = {lot for i, lot in enumerate(lots) if i % 5 == 0}
    sent: list[tuple[str, int, dict[str, str]]] = []
    for lot in lots:
        for n in range(PICKS):
            headers = dict(SCANNER)
            if lot in keyed and n >= 2:
                headers["Idempotency-Key"] = f"pick-{lot}"
                sent.append((lot, 2, headers))
            else:
                sent.append((lot, n, headers))
    group_commit: GroupCommit = grouped.app.state.group_commit  # type: ignore[attr-defined]
    before = group_commit.groups
    responses = await asyncio.gather(
        *(grouped.post("/v1/picks", headers=h, json=_pick(lot, n)) for lot, n, h in sent)
    )
    assert group_commit.groups > before, "no two requests were committed together"

    by_lot: dict[str, list[httpx.Response]] = {lot: [] for lot in lots}
    for (lot, _, _), response in zip(sent, responses, strict=True):
        by_lot[lot].append(response)
    for lot, answers in by_lot.items():
        statuses = sorted(r.status_code for r in answers)
        accepted = [r for r in answers if r.status_code == 201]
        if lot in keyed:
            assert statuses == [201] * 4, _seen(answers)
            replays = [r for r in accepted if r.headers.get("Idempotent-Replayed") == "true"]
            assert len(replays) == 1, _seen(answers)
            live = [r for r in answers[2:] if r is not replays[0]]
            assert [r.json() for r in live] == [replays[0].json()]
        else:
            assert statuses == [201, 201, 201, 409], _seen(answers)
            [refused] = [r for r in answers if r.status_code == 409]
            assert refused.json()["type"] == "urn:lotledger:problem:insufficient-stock"
        for r in accepted:
            [event] = r.json()["events"]
            assert event["batch_id"] == f"{COLD}/{lot}"
            [batch] = r.json()["batches"]
            assert batch["version"] == event["stream_version"]

        stream = (
            await grouped.get(f"/v1/batches/{COLD}/{lot_segment(lot)}/events", headers=SCANNER)
        ).json()
        assert stream["chain_valid"] is True
        events = stream["events"]
        assert [e["streamversion"] for e in events] == [1, 2, 3, 4]
        assert [e["type"] for e in events[1:]] == [PICKED] * 3
        answered = {r.json()["events"][0]["id"] for r in accepted}
        assert answered == {e["id"] for e in events[1:]}, lot
        taken = {
            str(_pick(lot, n)["order_ref"])
            for (lot_, n, _), r in zip(sent, responses, strict=True)
            if lot_ == lot and r.status_code == 201
        }
        assert {e["data"]["order_ref"] for e in events[1:]} == taken, lot


def _seen(answers: list[httpx.Response]) -> list[tuple[int, str | None, object]]:
    return [
        (r.status_code, r.headers.get("Idempotent-Replayed"), r.json().get("detail"))
        for r in answers
    ]
