"""A group member subscribed to a topic that does not exist yet is given its partitions
within seconds of the topic being made (by another process, which does not tell it)."""

from __future__ import annotations

import asyncio
from uuid import uuid4

from lotledger.shared.contracts.topics import TopicSpec
from lotledger.shared.kafka import (
    CONSUMER_METADATA_MAX_AGE_MS,
    create_consumer,
    delete_topics,
    ensure_topics,
)
from lotledger.shared.settings import CommonSettings


async def test_a_member_is_given_the_partitions_of_a_topic_made_after_it_joined(
    common_settings: CommonSettings,
) -> None:
    settings = common_settings.model_copy(
        update={"topic_prefix": f"late{uuid4().hex[:8]}.", "topic_partitions": 3}
    )
    spec = TopicSpec("late", "any")
    topic = settings.topic(spec.name)
    consumer = create_consumer(settings, f"{settings.topic_prefix}group", "late-topic")
    await consumer.start()
    try:
        consumer.subscribe([topic])
        await consumer.getmany(timeout_ms=1000)
        assert consumer.assignment() == set()
        assert await ensure_topics(settings, [spec]) == [topic]
        async with asyncio.timeout(3 * CONSUMER_METADATA_MAX_AGE_MS / 1000):
            while len(consumer.assignment()) < 3:
                await consumer.getmany(timeout_ms=200)
        assert {tp.partition for tp in consumer.assignment() if tp.topic == topic} == {0, 1, 2}
    finally:
        await consumer.stop()
        await delete_topics(settings, [topic])
