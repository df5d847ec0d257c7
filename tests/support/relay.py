"""What the relay fault tests share: stock operations to post, the relay as a process of its
own (so it can be SIGKILLed), what it has yet to publish, who holds which slots, and what reached
the stock topic."""

from __future__ import annotations

import asyncio
import os
import sys
from collections import defaultdict
from typing import Any

import asyncpg

from lotledger.inventory.adapters.event_source import UNPUBLISHED
from lotledger.inventory.entrypoints.relay import EVENTS_LOCK_KEY
from lotledger.shared.relay_leases import LOCKS
from lotledger.shared.relay_slots import SLOTS, namespace
from tests.support.infra import Infra
from tests.support.private import environment_for
from tests.support.world import COLD, PHARMACIES, SUPPLIER


def receipt(lot: str, qty: int) -> dict[str, Any]:
    """A `/v1/operations` receipt of a new cold lot."""
    return {
        "op": "receipt",
        "client_op_id": f"r-{lot}",
        "gtin": COLD,
        "lot": lot,
        "expiry": "2028-01-31",
        "qty": qty,
        "location": "WH1/COLD-A/01",
        "supplier": SUPPLIER,
    }


def pick(lot: str, n: int) -> dict[str, Any]:
    """The lot's n-th `/v1/operations` pick of one unit."""
    return {
        "op": "pick",
        "client_op_id": f"p-{lot}-{n}",
        "gtin": COLD,
        "lot": lot,
        "qty": 1,
        "location": "WH1/COLD-A/01",
        "order_ref": f"SO-{n}",
        "ship_to": PHARMACIES[n % 3],
    }


def versions_by_subject(messages: list[dict[str, Any]]) -> dict[str, list[int]]:
    """Each batch's stream versions of the stock events read, in log order."""
    by_subject: dict[str, list[int]] = defaultdict(list)
    for m in sorted(messages, key=lambda m: (m["_partition"], m["_offset"])):
        if m["type"].startswith("lotledger.stock."):
            by_subject[m["subject"]].append(m["streamversion"])
    return by_subject


async def unpublished(infra: Infra) -> int:
    """Stock events the relay has not published, and outbox rows (catalog, sync)."""
    conn = await asyncpg.connect(infra.url("inventory", driver="postgresql"))
    try:
        await conn.execute("SET search_path TO inventory")
        events = await conn.fetchval(f"SELECT n FROM ({UNPUBLISHED}) AS u")  # noqa: S608
        return int(events) + int(await conn.fetchval("SELECT count(*) FROM outbox"))
    finally:
        await conn.close()


async def spawn_relay(infra: Infra, batch_size: int = 25) -> asyncio.subprocess.Process:
    """`lotledger-inventory relay` on the infra's database and broker(s)."""
    env = {**os.environ, **environment_for(infra, LOTLEDGER_RELAY_BATCH_SIZE=str(batch_size))}
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "lotledger.inventory.cli",
        "relay",
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


async def slots_by_relay(url: str, schema: str = "inventory") -> dict[int, set[int]]:
    """The stock events' slots each live inventory relay (by the backend pid of its event
    source's connection) holds, as Postgres sees the relays' advisory locks."""
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch(LOCKS, namespace(EVENTS_LOCK_KEY, schema))
    finally:
        await conn.close()
    held: dict[int, set[int]] = defaultdict(set)
    for r in rows:
        if r["key"] < SLOTS:
            held[r["pid"]].add(r["key"])
    return dict(held)


async def until_slots_split(
    url: str, relays: int, timeout_s: float = 180.0, schema: str = "inventory"
) -> dict[int, set[int]]:
    """Polls until `relays` relays hold every slot between them, evenly; fails on timeout
    (generous: a relay process takes tens of seconds to start on a loaded machine)."""
    async with asyncio.timeout(timeout_s):
        while True:
            held = await slots_by_relay(url, schema)
            counts = sorted(len(s) for s in held.values())
            if len(held) == relays and sum(counts) == SLOTS and counts[-1] - counts[0] <= 1:
                return held
            await asyncio.sleep(0.1)
