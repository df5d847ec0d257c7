"""Topics made by `ensure_topics` on a 3-broker cluster can be consumed at once: a group
member that subscribes right after is given every partition. A broker's metadata cache
learns of a new topic on its own time; a member whose first metadata came from a broker
that had not, got no partition and waited minutes for its next metadata refresh."""

from __future__ import annotations

import asyncio
from uuid import uuid4

import pytest

from lotledger.shared.contracts.topics import TopicSpec
from lotledger.shared.kafka import create_consumer, delete_topics, ensure_topics
from lotledger.shared.settings import CommonSettings
from tests.support.kafka_instance import KafkaInstance

pytestmark = pytest.mark.slow

ROUNDS = 2
TOPICS = 6
PARTITIONS = 3


async def test_a_member_subscribing_right_after_creation_gets_every_partition(
    cluster: KafkaInstance,
) -> None:
    for round_ in range(ROUNDS):
        settings = CommonSettings(
            kafka_bootstrap=cluster.bootstrap,
            topic_prefix=f"new{uuid4().hex[:8]}.",
            topic_partitions=PARTITIONS,
            topic_replication=3,
        )
        specs = [TopicSpec(f"t{i}", "any") for i in range(TOPICS)]
        names = await ensure_topics(settings, specs)
        assert sorted(names) == sorted(settings.topic(s.name) for s in specs)
        consumer = create_consumer(settings, f"{settings.topic_prefix}group", "new-topics")
        consumer.subscribe(names)
        await consumer.start()
        try:
            async with asyncio.timeout(30):
                while not consumer.assignment():
                    await consumer.getmany(timeout_ms=200)
            assigned = {(tp.topic, tp.partition) for tp in consumer.assignment()}
            assert assigned == {(n, p) for n in names for p in range(PARTITIONS)}, round_
        finally:
            await consumer.stop()
            await delete_topics(settings, names)
