"""End-to-end: the services and workers as real processes (uvicorn on loopback ports,
workers as `lotledger-<service> <worker>`), against the per-run database and topics."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from lotledger.shared.kafka import ensure_topics
from lotledger.shared.settings import CommonSettings
from tests.support.infra import Infra, migrate_all, provision, teardown
from tests.support.processes import APIS, System
from tests.support.tokens import bearer
from tests.support.world import seed_catalog

PROCESSES: list[tuple[str, str, tuple[str, ...]]] = [
    ("inventory-relay", "inventory", ("relay",)),
    ("inventory-checkpointer", "inventory", ("checkpointer",)),
    ("alerts-projector", "alerts", ("project",)),
    ("alerts-sweep", "alerts", ("sweep",)),
    ("alerts-deliver", "alerts", ("deliver",)),
    ("traceability-projector", "traceability", ("project",)),
]


@asynccontextmanager
async def running_system(infra: Infra) -> AsyncIterator[System]:
    running = System(infra)
    try:
        for service in (*APIS, "console"):
            await running.serve(service)
        for name, service, args in PROCESSES:
            await running.start(name, service, *args)
        async with running.client("inventory") as inventory:
            await seed_catalog(inventory, bearer("admin"))
        yield running
    finally:
        await running.stop_all()


@pytest.fixture(scope="package")
async def system(migrated: Infra) -> AsyncIterator[System]:
    """The system as processes for the end-to-end tests only: stopped when they end, so no
    stray projector or checkpointer of theirs works beside the integration tests."""
    async with running_system(migrated) as running:
        yield running


@pytest.fixture(scope="package")
async def private_system() -> AsyncIterator[System]:
    """The whole system on its own database and topics, for tests that write arbitrary data
    (fuzzing) or break things, so the shared world stays predictable."""
    infra = await provision()
    try:
        await migrate_all(infra)
        await ensure_topics(
            CommonSettings(
                kafka_bootstrap=infra.kafka_bootstrap,
                topic_prefix=infra.topic_prefix,
                topic_partitions=3,
            )
        )
        async with running_system(infra) as running:
            yield running
    finally:
        await teardown(infra)
