"""A private inventory with its relay running and checkpoints taken on demand, for the
verifiable-log tests (tamper, proofs, the standalone verifier)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import orjson

from lotledger.inventory.adapters.log_store import Checkpoint, LogStore
from lotledger.inventory.adapters.signing import Signer
from lotledger.inventory.adapters.stock_source import KafkaStockSource
from lotledger.inventory.bootstrap import create_app
from lotledger.inventory.entrypoints.checkpointer import LOCK_KEY
from lotledger.inventory.entrypoints.relay import Relay
from lotledger.inventory.service.checkpointing import LogConfig, take_checkpoint
from lotledger.inventory.settings import DEV_CHECKPOINT_KEY, InventorySettings
from lotledger.shared.contracts.topics import CHECKPOINTS, STOCK
from lotledger.shared.db import driver_connect
from lotledger.shared.settings import CommonSettings
from lotledger.shared.urls import lot_segment
from tests.support.apps import serve
from tests.support.infra import Infra
from tests.support.private import private_inventory, settings_for
from tests.support.stock import SCANNER, receive
from tests.support.tokens import bearer
from tests.support.world import COLD, PHARMACIES, seed_catalog

REGULATOR = bearer("regulator")
DEV_SIGNER = Signer.from_seed(DEV_CHECKPOINT_KEY)


@dataclass
class LogWorld:
    infra: Infra
    settings: InventorySettings
    api: httpx.AsyncClient

    async def lot(self, lot: str, events: int) -> str:
        """A batch of `events` events: a receipt then picks of one unit each."""
        await receive(self.api, COLD, lot, 100)
        for i in range(events - 1):
            picked = await self.api.post(
                "/v1/picks",
                headers=SCANNER,
                json={
                    "gtin": COLD,
                    "lot": lot,
                    "qty": 1,
                    "location": "WH1/COLD-A/01",
                    "order_ref": f"SO-{lot}-{i}",
                    "ship_to": PHARMACIES[i % len(PHARMACIES)],
                },
            )
            assert picked.status_code == 201, picked.text
        return f"{COLD}/{lot}"

    async def drained(self) -> None:
        """Wait until the relay has published everything committed."""
        conn = await self.connect()
        try:
            for _ in range(300):
                if not await conn.fetchval("SELECT count(*) FROM outbox"):
                    return
                await asyncio.sleep(0.05)
        finally:
            await conn.close()
        raise AssertionError("the relay did not drain the outbox")

    async def checkpoint(self, signer: Signer = DEV_SIGNER, max_leaves: int = 4000) -> Checkpoint:
        await self.drained()
        taken = await checkpoint_now(self.infra, signer, max_leaves)
        await self.drained()
        return taken

    async def connect(self) -> Any:
        return await driver_connect(
            self.settings.inventory_database_url, "inventory", "lotledger-test"
        )

    async def events(self, stream: str) -> dict[str, Any]:
        gtin, lot = stream.split("/", 1)
        response = await self.api.get(
            f"/v1/batches/{gtin}/{lot_segment(lot)}/events", headers=REGULATOR
        )
        assert response.status_code == 200, response.text
        return dict(response.json())


async def checkpoint_now(
    infra: Infra, signer: Signer = DEV_SIGNER, max_leaves: int = 100_000
) -> Checkpoint:
    """A checkpoint covering everything published so far: taken here, as the checkpointer
    would, unless a checkpointer process holds the lock (the end-to-end system), in which
    case its next one is awaited."""
    settings = CommonSettings(
        kafka_bootstrap=infra.kafka_bootstrap, topic_prefix=infra.topic_prefix
    )
    source = KafkaStockSource(settings, settings.topic(STOCK), "test-checkpoint")
    conn = await driver_connect(infra.url("inventory"), "inventory", "lotledger-test")
    await source.start()
    try:
        if await conn.fetchval("SELECT pg_try_advisory_lock($1)", LOCK_KEY):
            config = LogConfig(
                settings.topic(STOCK),
                settings.topic(CHECKPOINTS),
                max_leaves,
                len(await source.ends()),
            )
            taken = await take_checkpoint(LogStore(conn), source, signer, config, datetime.now(UTC))
            latest = taken or await LogStore(conn).latest()
            assert latest is not None, "the stock topic holds nothing to checkpoint"
            return latest
        ends = await source.ends()
        for _ in range(300):
            latest = await LogStore(conn).latest()
            if latest and all(latest.offsets.get(p, 0) >= end for p, end in ends.items()):
                return latest
            await asyncio.sleep(0.1)
        raise AssertionError("the running checkpointer did not cover the stock topic")
    finally:
        await source.stop()
        await conn.close()


@asynccontextmanager
async def log_world() -> AsyncIterator[LogWorld]:
    async with private_inventory() as infra:
        settings = settings_for(infra)
        async with serve(create_app(settings)) as api:
            await seed_catalog(api, bearer("admin"))
            stop = asyncio.Event()
            relay = asyncio.create_task(Relay(settings, idle_wait_s=0.05).run(stop))
            try:
                yield LogWorld(infra, settings, api)
            finally:
                stop.set()
                await asyncio.wait_for(relay, 30)


@asynccontextmanager
async def as_event_owner(infra: Infra) -> AsyncIterator[asyncpg.Connection]:
    """What an attacker holding the database can do: act with the tables' owner's rights
    (the admin is a member of the owner role), immutability triggers switched off inside
    the transaction."""
    conn = await asyncpg.connect(infra.admin_url())
    try:
        await conn.execute("SET search_path = inventory")
        async with conn.transaction():
            await conn.execute("ALTER TABLE events DISABLE TRIGGER USER")
            yield conn
            await conn.execute("ALTER TABLE events ENABLE TRIGGER USER")
    finally:
        await conn.close()


@dataclass(frozen=True)
class Verified:
    code: int
    report: dict[str, Any]


async def lotledger_verify(
    world: LogWorld, *args: str, keys: tuple[str, ...] = (DEV_SIGNER.public_base64,)
) -> Verified:
    """The standalone verifier, as a regulator runs it (a separate process)."""
    argv = [arg for key in keys for arg in ("--key", key)]
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "lotledger.verify.cli",
        *argv,
        "--bootstrap",
        world.infra.kafka_bootstrap,
        "--topic-prefix",
        world.infra.topic_prefix,
        "--json",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode in (0, 1), err.decode()
    return Verified(process.returncode, orjson.loads(out))


def export(path: Path, body: dict[str, Any]) -> str:
    path.write_bytes(orjson.dumps(body))
    return str(path)
