"""Optimistic appends of overlapping batches (a group commit's first try, a
`/v1/operations` request) wait for each other in batch-id order: none is ever broken out
of a deadlock by Postgres, which would first hold both for its deadlock timeout (1 s).
The lots are received in reverse batch-id order, so the table's physical order, which a
hash join follows, starts as the opposite of the order the locking path takes."""

import asyncio
import random
from collections.abc import AsyncIterator
from types import TracebackType
from typing import Self

import asyncpg
import httpx
import pytest

from lotledger.inventory.adapters.unit_of_work import UnitOfWork
from lotledger.inventory.bootstrap import create_app
from lotledger.inventory.settings import InventorySettings
from lotledger.shared.clock import ManualClock
from lotledger.shared.db import Driver
from lotledger.shared.urls import lot_segment
from tests.integration.conftest import TODAY
from tests.support.apps import serve
from tests.support.relay import pick
from tests.support.tokens import bearer
from tests.support.world import COLD, SUPPLIER, fresh_lot

SCANNER = bearer("scanner", warehouses=["WH1"])
SHELF = "WH1/COLD-A/01"
LOTS = 6
REQUESTS = 40


class Recorded(UnitOfWork):
    """A unit of work that keeps what ended each try, on a connection whose planner joins
    by hashing: the plan a small `batches` table gets (a fresh database's), which scans the
    table in its physical order, the order its rows' latest versions happen to lie in.
    (The append's own statements plan with nested loops, `append_request`'s settings;
    its lock order comes from a sort either way.)"""

    ended: list[type[BaseException] | None] = []

    def bind(self, driver: Driver) -> None:
        super().bind(driver)
        self.driver = driver

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        await self.driver.execute("SET enable_nestloop = off; SET enable_mergejoin = off")
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        Recorded.ended.append(exc_type)
        await super().__aexit__(exc_type, exc, tb)


@pytest.fixture
async def recorded(
    inventory: httpx.AsyncClient, inventory_settings: InventorySettings
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(
        inventory_settings.model_copy(update={"rate_limit_per_s": 0.0}), ManualClock(TODAY)
    )
    async with serve(app) as client:
        runtime = app.state.runtime
        runtime.uow = lambda locking=True: Recorded(runtime.engine, locking)
        Recorded.ended.clear()
        yield client


async def test_appends_of_overlapping_batches_in_any_order_never_deadlock(
    recorded: httpx.AsyncClient,
) -> None:
    lots = [fresh_lot("ORDER") for _ in range(LOTS)]
    for lot in reversed(lots):
        receipt = {
            "gtin": COLD,
            "lot": lot,
            "expiry": "2028-03-31",
            "qty": REQUESTS,
            "location": SHELF,
            "supplier": SUPPLIER,
        }
        assert (await recorded.post("/v1/receipts", headers=SCANNER, json=receipt)).is_success
    shuffled = random.Random(20261205)
    bodies = []
    for n in range(REQUESTS):
        order = shuffled.sample(lots, len(lots))
        bodies.append({"operations": [pick(lot, n) for lot in order]})
    Recorded.ended.clear()

    responses = await asyncio.gather(
        *(recorded.post("/v1/operations", headers=SCANNER, json=b) for b in bodies)
    )

    assert [r.status_code for r in responses] == [200] * REQUESTS
    assert all(r["status"] == 201 for resp in responses for r in resp.json()["results"])
    assert asyncpg.DeadlockDetectedError not in Recorded.ended
    assert Recorded.ended.count(None) == REQUESTS
    for lot in lots:
        stream = (
            await recorded.get(f"/v1/batches/{COLD}/{lot_segment(lot)}/events", headers=SCANNER)
        ).json()
        assert [e["streamversion"] for e in stream["events"]] == list(range(1, REQUESTS + 2))
        assert stream["chain_valid"] is True
