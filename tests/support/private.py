"""A private inventory world (own database, own topics) for tests that run their own
relay or kill processes, so they cannot disturb the session-wide one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace

from pydantic import SecretStr

from lotledger.inventory.settings import InventorySettings
from lotledger.shared.kafka import ensure_topics
from tests.support.infra import Infra, migrate, provision, teardown
from tests.support.tokens import TEST_SECRET


def settings_for(infra: Infra, **overrides: object) -> InventorySettings:
    return InventorySettings(
        inventory_database_url=infra.url("inventory"),
        kafka_bootstrap=infra.kafka_bootstrap,
        topic_prefix=infra.topic_prefix,
        topic_partitions=3,
        auth_secret=SecretStr(TEST_SECRET),
        **overrides,  # type: ignore[arg-type]
    )


def environment_for(infra: Infra, **extra: str) -> dict[str, str]:
    """The same settings as environment variables, for a subprocess."""
    return {
        "LOTLEDGER_INVENTORY_DATABASE_URL": infra.url("inventory"),
        "LOTLEDGER_KAFKA_BOOTSTRAP": infra.kafka_bootstrap,
        "LOTLEDGER_TOPIC_PREFIX": infra.topic_prefix,
        "LOTLEDGER_AUTH_SECRET": TEST_SECRET,
        **extra,
    }


@asynccontextmanager
async def private_inventory(
    kafka_bootstrap: str | None = None, topic_replication: int = 1
) -> AsyncIterator[Infra]:
    """On the shared broker, or on the brokers of `kafka_bootstrap` (topics made there with
    `topic_replication` replicas)."""
    infra = await provision()
    if kafka_bootstrap is not None:
        infra = replace(infra, kafka_bootstrap=kafka_bootstrap)
    try:
        settings = settings_for(infra, topic_replication=topic_replication)
        await migrate(infra, "inventory")
        await ensure_topics(settings)
        yield infra
    finally:
        await teardown(infra)
