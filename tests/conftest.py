from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from pydantic import SecretStr

from lotledger.shared.kafka import delete_topics, ensure_topics
from lotledger.shared.settings import CommonSettings
from tests.support.infra import Infra, migrate_all, provision, teardown
from tests.support.tokens import TEST_SECRET


@pytest.fixture(scope="session")
async def infra() -> AsyncIterator[Infra]:
    """A private database and topic prefix on the real Postgres and Kafka."""
    provisioned = await provision()
    settings = CommonSettings(
        kafka_bootstrap=provisioned.kafka_bootstrap,
        topic_prefix=provisioned.topic_prefix,
        topic_partitions=3,
    )
    await ensure_topics(settings)
    try:
        yield provisioned
    finally:
        await teardown(provisioned)
        admin = AIOKafkaAdminClient(bootstrap_servers=provisioned.kafka_bootstrap)
        await admin.start()
        try:
            ours = [t for t in await admin.list_topics() if t.startswith(provisioned.topic_prefix)]
        finally:
            await admin.close()
        if ours:
            await delete_topics(settings, ours)


@pytest.fixture(scope="session")
def common_settings(infra: Infra) -> CommonSettings:
    return CommonSettings(
        env="dev",
        kafka_bootstrap=infra.kafka_bootstrap,
        topic_prefix=infra.topic_prefix,
        topic_partitions=3,
        auth_secret=SecretStr(TEST_SECRET),
    )


@pytest.fixture(scope="session")
async def migrated(infra: Infra) -> Infra:
    """The per-run database with every service's migrations and runtime privileges applied."""
    await migrate_all(infra)
    return infra
