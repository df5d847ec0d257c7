"""An append checks the versions of the catalog records its request decided on against the
committed ones, under a lock every catalog change takes exclusively before it reads
anything (migration `0018_catalog_versions`, `catalog_store.CATALOG_LOCK`): a request
that decided on an old record writes nothing, and a change waits for the appends in
flight. A receipt decided on a product's old record is decided again."""

import asyncio
from collections.abc import Sequence
from datetime import UTC, date, datetime

import httpx

from lotledger.inventory.adapters.append_statement import (
    APPEND,
    CATALOG_CHANGED,
    PARAMETERS,
    CatalogRead,
)
from lotledger.inventory.adapters.catalog_cache import CatalogCache
from lotledger.inventory.adapters.catalog_store import CatalogStore, Stored
from lotledger.inventory.adapters.envelopes import Metadata
from lotledger.inventory.bootstrap import create_app
from lotledger.inventory.domain import commands as c
from lotledger.inventory.service import stock
from lotledger.shared.auth import Principal, Role
from lotledger.shared.contracts.catalog import Location, Product, Warehouse
from tests.support.apps import serve
from tests.support.plans import runtime_session
from tests.support.private import private_inventory, settings_for
from tests.support.relay import receipt
from tests.support.stock import SCANNER as SCANNER_TOKEN
from tests.support.stock import post_operations, problem_type
from tests.support.tokens import bearer
from tests.support.world import COLD, LOCATIONS, PHARMACIES, PRODUCTS, SUPPLIER, seed_catalog

ADMIN = bearer("admin")
SHELF = "WH1/COLD-A/02"
SCANNER = Principal("scanner-1", frozenset({Role.SCANNER}), frozenset({"WH1"}))
SCALARS = {"created": 0, "updated": 0, "principal": "test", "sync_topic": ""}
WAITING_FOR_A_LOCK = """
SELECT count(*) FROM pg_stat_activity
WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"""


def having_read(*read: CatalogRead) -> list[object]:
    """An append that writes nothing but decided on the records `read`."""
    values: dict[str, object] = {n: [] for n in PARAMETERS} | SCALARS
    values |= {
        "now": datetime.now(UTC),
        "cat_kind": [kind for kind, _, _ in read],
        "cat_id": [key for _, key, _ in read],
        "cat_version": [version for _, _, version in read],
    }
    return [values[name] for name in PARAMETERS]


async def quarantine(client: httpx.AsyncClient, location: str) -> httpx.Response:
    record = {**LOCATIONS[location], "kind": "quarantine"}
    return await client.put(f"/v1/locations/{location}", json=record, headers=ADMIN)


async def test_an_append_that_read_an_older_record_writes_nothing() -> None:
    async with runtime_session() as (client, conn):
        await post_operations(client, [receipt("VERSIONS01", 4) | {"location": SHELF}])
        response = await quarantine(client, SHELF)
        assert response.status_code == 200, response.text
        version = await conn.fetchval("SELECT version FROM locations WHERE location_id = $1", SHELF)
        answers = [
            await conn.fetchval(APPEND, *having_read(*read))
            for read in (
                [("location", SHELF, version - 1)],
                [("location", SHELF, version)],
                [("product", COLD, 1), ("location", SHELF, version)],
                [("product", COLD, 2)],
                [("location", SHELF, 0)],
                [("warehouse", "WH9", 0)],
            )
        ]
        lines = await conn.fetch("SELECT pickable FROM stock_levels WHERE location = $1", SHELF)
    assert answers == [CATALOG_CHANGED, 0, 0, CATALOG_CHANGED, CATALOG_CHANGED, 0]
    assert [r["pickable"] for r in lines] == [False]


async def test_a_catalog_change_waits_for_an_append_in_flight() -> None:
    async with runtime_session() as (client, conn):
        await post_operations(client, [receipt("VERSIONS02", 4) | {"location": SHELF}])
        version = await conn.fetchval("SELECT version FROM locations WHERE location_id = $1", SHELF)
        appending = conn.transaction()
        await appending.start()
        assert await conn.fetchval(APPEND, *having_read(("location", SHELF, version))) == 0
        change = asyncio.create_task(quarantine(client, SHELF))
        while not change.done() and not await conn.fetchval(WAITING_FOR_A_LOCK):
            await asyncio.sleep(0.01)
        assert not change.done(), "the catalog change did not wait for the append"
        before = await conn.fetchval("SELECT pickable FROM stock_levels WHERE location = $1", SHELF)
        await appending.commit()
        response = await change
        after = await conn.fetchval("SELECT pickable FROM stock_levels WHERE location = $1", SHELF)
        late = await conn.fetchval(APPEND, *having_read(("location", SHELF, version)))
    assert response.status_code == 200, response.text
    assert (before, after, late) == (True, False, CATALOG_CHANGED)


class OldProduct:
    """The catalog as it was before a change: what a notification not yet arrived leaves
    in a process's cache. Counts its loads."""

    def __init__(self, product: Product) -> None:
        self.product, self.loads = product, 0

    async def products(self, gtins: Sequence[str], /) -> dict[str, Stored[Product]]:
        self.loads += 1
        return {g: Stored(self.product, 1) for g in gtins}

    async def locations(self, ids: Sequence[str], /) -> dict[str, Stored[Location]]:
        raise AssertionError("not used")

    async def warehouses(self, ids: Sequence[str], /) -> dict[str, Stored[Warehouse]]:
        raise AssertionError("not used")


async def test_a_receipt_decided_on_a_product_s_old_record_is_decided_again() -> None:
    """The product is made to need inspection while a process's cache still holds it as
    not needing any (its notification not yet arrived): the receipt decided on the cached
    record is decided again, and lands pending inspection."""
    async with private_inventory() as infra:
        app = create_app(settings_for(infra))
        async with serve(app) as client:
            await seed_catalog(client, ADMIN)
            cache = CatalogCache()
            cache.listening = True
            old = OldProduct(Product.model_validate({**PRODUCTS[COLD], "gtin": COLD}))
            assert (await cache.products(old, [COLD])).versions == {COLD: 1}
            inspected = {**PRODUCTS[COLD], "inspect_receipts": True}
            response = await client.put(f"/v1/products/{COLD}", json=inspected, headers=ADMIN)
            assert response.status_code == 200, response.text
            receive = c.ReceiveStock(COLD, "VERSIONS03", date(2028, 1, 31), 2, SHELF, SUPPLIER)
            rt = app.state.runtime
            meta = Metadata("scanner-1", None, None, None, datetime.now(UTC))
            request = stock.Request([stock.Operation(receive)], meta, SCANNER)
            outcome = await stock.submit(request, rt.uow, rt.policy, cache)
            batch = await client.get(f"/v1/batches/{COLD}/VERSIONS03", headers=ADMIN)
        assert isinstance(outcome.results[0], stock.Accepted), outcome.results
        assert (await cache.products(old, [COLD])).versions == {COLD: 2}
    assert old.loads == 1
    assert batch.json()["held"] == {SHELF: {"pending_inspection": 2}}


async def test_a_catalog_change_waits_for_a_transaction_that_holds_changes_off() -> None:
    """As a serials capture does while it checks that its products are serialised."""
    async with runtime_session() as (client, conn):
        reading = conn.transaction()
        await reading.start()
        await CatalogStore(conn).hold_changes()
        serialised = {**PRODUCTS[COLD], "serialised": True}
        change = asyncio.create_task(
            client.put(f"/v1/products/{COLD}", json=serialised, headers=ADMIN)
        )
        while not change.done() and not await conn.fetchval(WAITING_FOR_A_LOCK):
            await asyncio.sleep(0.01)
        assert not change.done(), "the catalog change did not wait for the reader"
        await reading.commit()
        response = await change
    assert response.status_code == 200, response.text


async def test_stock_posts_racing_a_location_s_changes_leave_its_lines_as_its_kind() -> None:
    """Receipts of new lots onto a shelf and picks from it, single POSTs all at once, while
    the shelf is quarantined and released in turn (after every 24 answers), ending
    quarantined: every receipt is
    taken, every pick is taken or refused, and no line there is pickable. A pick refused
    while the shelf is quarantined is refused as not pickable, or as short when it read the
    lines after the change and the location before it (nothing is written then)."""
    async with runtime_session() as (client, conn):
        await post_operations(
            client, [receipt(f"RACE{n:03d}", 2) | {"location": SHELF} for n in range(30)]
        )
        done: list[int] = []

        async def receive(n: int) -> httpx.Response:
            body = {**receipt(f"RACER{n:03d}", 1), "location": SHELF, "reference": "PO-1"}
            del body["op"], body["client_op_id"]
            response = await client.post("/v1/receipts", json=body, headers=SCANNER_TOKEN)
            done.append(n)
            return response

        async def pick(n: int) -> httpx.Response:
            body = {"gtin": COLD, "qty": 1, "location": SHELF, "order_ref": f"SO-{n}"}
            body["ship_to"] = PHARMACIES[0]
            response = await client.post("/v1/picks", json=body, headers=SCANNER_TOKEN)
            done.append(n)
            return response

        async def turn() -> list[int]:
            statuses = []
            for kind in ("quarantine", "storage", "quarantine", "storage", "quarantine"):
                record = {**LOCATIONS[SHELF], "kind": kind}
                response = await client.put(f"/v1/locations/{SHELF}", json=record, headers=ADMIN)
                statuses.append(response.status_code)
                while len(done) < 24 * len(statuses):
                    await asyncio.sleep(0.001)
            return statuses

        changing = asyncio.create_task(turn())
        answers = await asyncio.gather(
            *(receive(n) for n in range(60)), *(pick(n) for n in range(60))
        )
        changes = await changing
        lines = await conn.fetch(
            "SELECT pickable, qty FROM stock_levels WHERE location = $1", SHELF
        )
        taken = [r for r in answers[60:] if r.status_code == 201]
    assert changes == [200] * 5
    assert [r.status_code for r in answers[:60]] == [201] * 60, answers[0].text
    refused = [r for r in answers[60:] if r.status_code != 201]
    assert {(r.status_code, problem_type(r)) for r in refused} <= {
        (409, "location-not-pickable"),
        (409, "insufficient-stock"),
    }
    assert not any(r["pickable"] for r in lines)
    assert sum(r["qty"] for r in lines) == 30 * 2 + 60 - len(taken)
