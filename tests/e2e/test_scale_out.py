"""Every worker as several processes, one of each SIGKILLed under load (issue 17): two
inventory APIs, two relays (both active, each publishing its share of the outbox's slots),
two traceability projectors and two alerts projectors in one consumer group each. The stock
topic holds every event once in per-batch order, and each service's read models equal what a
single-process rebuild makes of the topics, so nothing was lost or applied twice."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest

from lotledger.shared.kafka import ensure_topics
from lotledger.shared.settings import CommonSettings
from tests.support.infra import Infra, migrate_all, provision, teardown
from tests.support.kafka import read_topic
from tests.support.processes import System, free_port
from tests.support.relay import pick, receipt, until_slots_split, versions_by_subject
from tests.support.tokens import bearer
from tests.support.world import seed_catalog

LOTS = 40
PICKS = 10
CHUNKS = 8
SCANNER = bearer("scanner", warehouses=["WH1"])


@pytest.fixture
async def system() -> AsyncIterator[System]:
    infra = await provision()
    running = System(infra)
    try:
        await migrate_all(infra)
        await ensure_topics(
            CommonSettings(
                kafka_bootstrap=infra.kafka_bootstrap,
                topic_prefix=infra.topic_prefix,
                topic_partitions=3,
            )
        )
        yield running
    finally:
        await running.stop_all()
        await teardown(infra)


def _operations(run: str) -> list[list[dict[str, Any]]]:
    """Each lot's receipt and picks, the lots spread over CHUNKS requests."""
    lots = [f"SO{run[:4]}{n:03d}" for n in range(LOTS)]
    per_chunk = LOTS // CHUNKS
    return [
        [
            op
            for lot in lots[i : i + per_chunk]
            for op in (receipt(lot, 30), *(pick(lot, n) for n in range(PICKS)))
        ]
        for i in range(0, LOTS, per_chunk)
    ]


async def _history_rows(infra: Infra) -> int:
    conn = await asyncpg.connect(infra.admin_url())
    try:
        return int(await conn.fetchval("SELECT count(*) FROM traceability.history"))
    finally:
        await conn.close()


async def _rebuild_compare(system: System, service: str) -> str:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        f"lotledger.{service}.cli",
        "rebuild",
        "--compare",
        "--wait",
        "90",
        env=system.env(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 240)
    text = output.decode()
    assert process.returncode == 0, f"{service} rebuild --compare:\n{text}"
    return text


async def test_workers_run_as_several_and_one_of_each_killed_loses_and_doubles_nothing(
    system: System,
) -> None:
    infra = system.infra
    for name in ("inventory-a", "inventory-b"):
        await system.serve("inventory", name)
    async with system.client("inventory-a") as inventory:
        await seed_catalog(inventory, bearer("admin"))
    await system.start("relay-a", "inventory", "relay")
    stock = f"{infra.topic_prefix}lotledger.stock.v1"
    await read_topic(infra.kafka_bootstrap, f"{infra.topic_prefix}lotledger.catalog.v1", until=bool)
    await system.start("relay-b", "inventory", "relay")
    inventory_db = infra.url("inventory", driver="postgresql")
    await until_slots_split(inventory_db, 2)
    for copy in ("a", "b"):
        await system.start(
            f"traceability-{copy}",
            "traceability",
            "project",
            env={"LOTLEDGER_TRACEABILITY_METRICS_PORT": str(free_port())},
        )
        await system.start(f"alerts-{copy}", "alerts", "project")
    await system.start("alerts-deliver", "alerts", "deliver")

    chunks = _operations(infra.run_id)
    clients = [system.client("inventory-a"), system.client("inventory-b")]
    try:
        for n, operations in enumerate(chunks):
            api = clients[n % 2]
            response = await api.post(
                "/v1/operations", json={"operations": operations}, headers=SCANNER
            )
            assert response.status_code == 200, response.text
            assert response.json()["refused"] == 0, response.text
            if n == 2:
                for name in ("relay-a", "traceability-b", "alerts-b"):
                    await system.stop(name, signal.SIGKILL)
    finally:
        for client in clients:
            await client.aclose()

    await until_slots_split(inventory_db, 1, timeout_s=30)
    events = LOTS * (1 + PICKS)
    published = await read_topic(
        infra.kafka_bootstrap,
        stock,
        until=lambda m: len(m) >= events,
        timeout_s=120,
    )
    assert len(published) == events
    assert len({m["id"] for m in published}) == events
    versions = versions_by_subject(published)
    assert len(versions) == LOTS
    assert all(v == list(range(1, PICKS + 2)) for v in versions.values())

    async with asyncio.timeout(120):
        while await _history_rows(infra) < events:
            await asyncio.sleep(0.5)
    assert await _history_rows(infra) == events

    for service in ("traceability", "alerts"):
        assert "rebuild equals live" in await _rebuild_compare(system, service)
