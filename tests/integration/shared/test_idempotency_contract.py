"""The idempotency contract (lotledger.shared.idempotency), run against every service's
store: inventory's and alerts' `idempotency` tables, through the runtime roles."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from uuid import uuid4

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from lotledger.shared.db import Driver, DriverUnitOfWork, create_engine, driver_of
from lotledger.shared.errors import Conflict
from lotledger.shared.idempotency import (
    FIND,
    DuplicateKey,
    IdempotencyStore,
    StoredResponse,
    fingerprint,
    replay,
)
from tests.support.infra import Infra
from tests.support.private import private_inventory

SERVICES = ["inventory", "alerts"]


class Unit(DriverUnitOfWork):
    store: IdempotencyStore
    service = ""

    def bind(self, driver: Driver) -> None:
        self.store = IdempotencyStore(driver, self.service)


@pytest.fixture(params=SERVICES)
async def engine(request: pytest.FixtureRequest, migrated: Infra) -> AsyncIterator[AsyncEngine]:
    service = str(request.param)
    Unit.service = service
    engine = create_engine(migrated.url(service), service, pool_size=3)
    try:
        yield engine
    finally:
        await engine.dispose()


def answer(body: bytes, status: int = 201) -> StoredResponse:
    return StoredResponse(fingerprint("POST", "/v1/things", body), status, body)


async def test_a_stored_response_is_found_by_its_principal_only(engine: AsyncEngine) -> None:
    principal, key = f"p-{uuid4()}", "k1"
    first = answer(b'{"n": 1}')
    async with Unit(engine) as uow:
        await uow.store.remember(principal, [(key, first)])
        await uow.commit()
    async with Unit(engine) as uow:
        assert await uow.store.find(principal, [key, "unknown"]) == {key: first}
        assert await uow.store.find(f"other-{principal}", [key]) == {}
        assert await uow.store.find(principal, []) == {}


async def test_a_response_is_stored_only_with_its_transaction(engine: AsyncEngine) -> None:
    principal = f"p-{uuid4()}"
    async with Unit(engine) as uow:
        await uow.store.remember(principal, [("k", answer(b"{}"))])
    async with Unit(engine) as uow:
        assert await uow.store.find(principal, ["k"]) == {}


async def test_a_taken_key_is_a_duplicate_and_keeps_the_first_response(
    engine: AsyncEngine,
) -> None:
    principal = f"p-{uuid4()}"
    first, second = answer(b'{"n": 1}'), answer(b'{"n": 2}')
    async with Unit(engine) as uow:
        await uow.store.remember(principal, [("a", first)])
        await uow.commit()
    async with Unit(engine) as uow:
        with pytest.raises(DuplicateKey):
            await uow.store.remember(principal, [("b", second), ("a", second)])
    async with Unit(engine) as uow:
        assert await uow.store.find(principal, ["a", "b"]) == {"a": first}


async def test_concurrent_first_uses_of_a_key_store_one_response(engine: AsyncEngine) -> None:
    """Without a claim, the second insert waits for the first transaction and then finds
    the key taken."""
    principal = f"p-{uuid4()}"
    first, second = answer(b'{"n": 1}'), answer(b'{"n": 2}')
    async with Unit(engine) as one, Unit(engine) as two:
        await one.store.remember(principal, [("k", first)])
        racing = asyncio.create_task(two.store.remember(principal, [("k", second)]))
        await asyncio.sleep(0.2)
        assert not racing.done()
        await one.commit()
        with pytest.raises(DuplicateKey):
            await racing
    async with Unit(engine) as uow:
        assert await uow.store.find(principal, ["k"]) == {"k": first}


async def test_a_claim_serialises_transactions_under_one_key(engine: AsyncEngine) -> None:
    principal = f"p-{uuid4()}"
    async with Unit(engine) as one, Unit(engine) as two:
        await one.store.claim(principal, "k")
        await two.store.claim(principal, "other-key")
        waiting = asyncio.create_task(two.store.claim(principal, "k"))
        await asyncio.sleep(0.2)
        assert not waiting.done()
        await one.store.remember(principal, [("k", answer(b"{}"))])
        await one.commit()
        await asyncio.wait_for(waiting, 5)
        assert await two.store.find(principal, ["k"]) == {"k": answer(b"{}")}


async def test_the_replay_rule_holds_for_the_stored_response(engine: AsyncEngine) -> None:
    principal = f"p-{uuid4()}"
    body = b'{"qty": 2, "lot": "A"}'
    async with Unit(engine) as uow:
        await uow.store.remember(principal, [("k", answer(body, 200))])
        await uow.commit()
    async with Unit(engine) as uow:
        stored = (await uow.store.find(principal, ["k"]))["k"]
    same = fingerprint("POST", "/v1/things", b'{ "lot": "A", "qty": 2 }')
    assert replay(stored, same) == StoredResponse(same, 200, body)
    with pytest.raises(Conflict) as refused:
        replay(stored, fingerprint("POST", "/v1/things", b'{"qty": 3, "lot": "A"}'))
    assert refused.value.field == "Idempotency-Key"


async def test_a_thousand_keys_are_probed_by_index_on_a_table_never_analysed() -> None:
    """Without statistics Postgres reckons `key = ANY(1,000 keys)` matches every row, and
    `/v1/operations` of 1,000 operations spent 85-137 ms a request filtering the principal's
    rows (a bench run on a new database); `find` probes the key index once per key. On a
    new database's table, kept from autovacuum's ANALYZE."""
    keys = [f"new-{n}" for n in range(1000)] + ["old-7"]
    async with private_inventory() as infra:
        engine = create_engine(infra.owner_url("inventory"), "inventory", pool_size=1)
        try:
            async with engine.begin() as conn:
                driver = await driver_of(conn)
                await driver.execute("ALTER TABLE idempotency SET (autovacuum_enabled = false)")
                await driver.execute(
                    "INSERT INTO idempotency (principal, key, fingerprint, status, body) "
                    "SELECT 'scanner', 'old-' || g, repeat('a', 64), 201, '' "
                    "FROM generate_series(1, 20000) g"
                )
                plan = await driver.fetch(f"EXPLAIN {FIND}", "scanner", keys)
                found = await IdempotencyStore(driver, "inventory").find("scanner", keys)
        finally:
            await engine.dispose()
    shape = "\n".join(r["QUERY PLAN"][:120] for r in plan)
    assert "Index Scan using idempotency_pkey" in shape, shape
    assert "Filter" not in shape, shape
    assert list(found) == ["old-7"]
