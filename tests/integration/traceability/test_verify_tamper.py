"""Guarantee 6 on the read side: the stored history refuses changes, and an owner who
bypasses the guard to rewrite one event is named by `/verify`."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from lotledger.shared.clock import ManualClock
from lotledger.shared.urls import lot_segment
from lotledger.traceability.adapters.queries.history import envelope
from lotledger.verify.chain import GENESIS, chain_hash
from tests.integration.traceability.conftest import START, Settle
from tests.integration.traceability.lifecycle import Lifecycle, live_through
from tests.support.infra import Infra
from tests.support.log_world import checkpoint_now
from tests.support.tokens import bearer
from tests.support.world import fresh_lot

REGULATOR = bearer("regulator")
FORGERIES = {
    "data": (
        "SELECT event_id, data AS value FROM history WHERE gtin = $1 AND lot = $2 AND version = $3",
        "UPDATE history SET data = jsonb_set(data, '{qty}', '25') "
        "WHERE gtin = $1 AND lot = $2 AND version = $3",
        "UPDATE history SET data = $4 WHERE gtin = $1 AND lot = $2 AND version = $3",
    ),
    "actor": (
        "SELECT event_id, actor AS value FROM history "
        "WHERE gtin = $1 AND lot = $2 AND version = $3",
        "UPDATE history SET actor = 'someone-else' WHERE gtin = $1 AND lot = $2 AND version = $3",
        "UPDATE history SET actor = $4 WHERE gtin = $1 AND lot = $2 AND version = $3",
    ),
}


@pytest.fixture(scope="module")
async def life(stock_api: httpx.AsyncClient, clock: ManualClock, settled: Settle) -> Lifecycle:
    lived = await live_through(stock_api, clock, fresh_lot("TP"), START + timedelta(days=4))
    await settled()
    return lived


@asynccontextmanager
async def as_admin(infra: Infra) -> AsyncIterator[asyncpg.Connection]:
    """The database admin, who holds the owner's rights (it may disable triggers)."""
    conn = await asyncpg.connect(infra.admin_url())
    try:
        await conn.execute("SET search_path = traceability")
        yield conn
    finally:
        await conn.close()


async def test_the_history_refuses_updates_and_deletes(migrated: Infra, life: Lifecycle) -> None:
    async with as_admin(migrated) as conn:
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute(FORGERIES["actor"][1], life.gtin, life.lot, 1)
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute("DELETE FROM history WHERE gtin = $1", life.gtin)


@pytest.mark.parametrize(("version", "column"), [(3, "data"), (5, "actor")])
async def test_verify_names_the_event_rewritten_behind_the_guard(
    migrated: Infra, trace_api: httpx.AsyncClient, life: Lifecycle, version: int, column: str
) -> None:
    select, forge, restore = FORGERIES[column]
    key = (life.gtin, life.lot, version)
    url = f"/v1/lots/{life.gtin}/{lot_segment(life.lot)}/verify"
    async with as_admin(migrated) as conn:
        original = await conn.fetchrow(select, *key)
        assert original is not None
        await _rewrite(conn, forge, *key)
        try:
            body = (await trace_api.get(url, headers=REGULATOR)).json()
        finally:
            await _rewrite(conn, restore, *key, original["value"])
    assert (body["ok"], body["broken_version"], body["checked"]) == (False, version, version - 1)
    assert body["broken_event_id"] == str(original["event_id"])
    assert body["reason"] == "hash does not match the event content"
    assert (await trace_api.get(url, headers=REGULATOR)).json()["ok"] is True


async def _rewrite(conn: asyncpg.Connection, statement: str, *args: object) -> None:
    async with conn.transaction():
        await conn.execute("ALTER TABLE history DISABLE TRIGGER history_no_update_delete")
        await conn.execute(statement, *args)
        await conn.execute("ALTER TABLE history ENABLE TRIGGER history_no_update_delete")


async def test_a_copy_rewritten_with_a_recomputed_chain_differs_from_the_signed_log(
    migrated: Infra, trace_api: httpx.AsyncClient, life: Lifecycle, settled: Settle
) -> None:
    await checkpoint_now(migrated)
    await settled()
    url = f"/v1/lots/{life.gtin}/{life.lot}/verify"
    intact = (await trace_api.get(url, headers=REGULATOR)).json()
    assert intact["ok"] is True
    logged = intact["checkpoint"]
    assert logged["matches"] is True
    assert logged["logged_version"] == intact["events"]

    async with as_admin(migrated) as conn:
        rows = await conn.fetch(
            "SELECT * FROM history WHERE gtin = $1 AND lot = $2 ORDER BY version",
            life.gtin,
            life.lot,
        )
        forged = [dict(r) for r in rows]
        forged[1]["actor"] = "someone-else"
        prev = GENESIS
        for row in forged:
            row["prev_hash"] = prev
            prev = chain_hash(prev, envelope(life.gtin, life.lot, row))
            row["hash"] = prev
        try:
            await _restate(conn, life, forged)
            body = (await trace_api.get(url, headers=REGULATOR)).json()
        finally:
            await _restate(conn, life, [dict(r) for r in rows])
    assert body["checked"] == body["events"]
    assert body["ok"] is False
    assert body["checkpoint"]["matches"] is False
    assert body["checkpoint"]["reason"] == "this copy differs from the signed log"


async def _restate(conn: asyncpg.Connection, life: Lifecycle, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        await _rewrite(
            conn,
            "UPDATE history SET actor = $4, prev_hash = $5, hash = $6 "
            "WHERE gtin = $1 AND lot = $2 AND version = $3",
            life.gtin,
            life.lot,
            row["version"],
            row["actor"],
            row["prev_hash"],
            row["hash"],
        )
