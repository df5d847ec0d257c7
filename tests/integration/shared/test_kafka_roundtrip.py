from datetime import UTC, datetime
from uuid import uuid4

import orjson
from aiokafka import TopicPartition

from lotledger.shared.contracts.topics import STOCK, TopicSpec
from lotledger.shared.envelope import CloudEvent
from lotledger.shared.kafka import (
    STRUCTURED,
    create_consumer,
    create_producer,
    delete_topics,
    ensure_topics,
    partitions_of,
)
from lotledger.shared.publishing import Outgoing, publish
from lotledger.shared.settings import CommonSettings


async def test_cloudevent_round_trips_through_the_real_broker(
    common_settings: CommonSettings,
) -> None:
    topic = common_settings.topic(STOCK)
    event = CloudEvent(
        id=uuid4(),
        source="/inventory/WH1",
        type="lotledger.stock.received.v1",
        subject="09506000134352/RT-1",
        time=datetime.now(UTC),
        data={"gtin": "09506000134352", "lot": "RT-1", "qty": 12},
        streamversion=1,
        actor="alice",
        device="HH-1",
        correlationid="corr-1",
    )
    producer = create_producer(common_settings, client_id="test-producer")
    await producer.start()
    try:
        metadata = await producer.send_and_wait(topic, event.to_json(), key=b"09506000134352/RT-1")
    finally:
        await producer.stop()

    consumer = create_consumer(common_settings, group_id=None, client_id="test-consumer")
    await consumer.start()
    try:
        from aiokafka import TopicPartition

        tp = TopicPartition(topic, metadata.partition)
        consumer.assign([tp])
        consumer.seek(tp, metadata.offset)
        batch = await consumer.getmany(tp, timeout_ms=10_000)
    finally:
        await consumer.stop()
    [message, *_] = batch[tp]
    assert message.key == b"09506000134352/RT-1"
    assert CloudEvent.from_json(message.value) == event


async def test_published_records_land_where_a_keyed_send_puts_them_in_the_order_given(
    common_settings: CommonSettings,
) -> None:
    """1,500 records of 1 KB on 40 keys: more than one batch per partition. On a topic
    of its own: the session's stock topic is read by relays and projectors."""
    settings = common_settings.model_copy(update={"topic_prefix": f"pub{uuid4().hex[:8]}."})
    [topic] = await ensure_topics(settings, [TopicSpec("publish", "a test's keys")])
    try:
        await _publish_and_read_back(settings, topic)
    finally:
        await delete_topics(settings, [topic])


async def _publish_and_read_back(settings: CommonSettings, topic: str) -> None:
    keys = [f"09506000134352/PB-{uuid4().hex[:6]}-{i}".encode() for i in range(40)]
    producer = create_producer(settings, client_id="test-publish")
    await producer.start()
    try:
        where = {k: (await producer.send_and_wait(topic, b"{}", key=k)).partition for k in keys}
        before = await _ends(settings, topic)
        records = [
            Outgoing(topic, keys[n % 40], orjson.dumps({"n": n, "pad": "x" * 1000}), STRUCTURED)
            for n in range(1500)
        ]
        reached = await publish(producer, records)
    finally:
        await producer.stop()
    after = await _ends(settings, topic)
    assert reached == {(topic, p): end for p, end in after.items() if end > before[p]}
    assert sum(after.values()) - sum(before.values()) == 1500
    consumer = create_consumer(settings, group_id=None, client_id="test-publish-read")
    await consumer.start()
    try:
        got: dict[bytes, list[tuple[int, int]]] = {}
        for p, start in before.items():
            tp = TopicPartition(topic, p)
            consumer.assign([tp])
            consumer.seek(tp, start)
            while await consumer.position(tp) < after[p]:
                for m in (await consumer.getmany(tp, timeout_ms=5000)).get(tp, []):
                    got.setdefault(m.key, []).append((m.partition, orjson.loads(m.value)["n"]))
    finally:
        await consumer.stop()
    for i, k in enumerate(keys):
        assert got[k] == [(where[k], n) for n in range(i, 1500, 40)]


async def _ends(settings: CommonSettings, topic: str) -> dict[int, int]:
    consumer = create_consumer(settings, group_id=None, client_id="test-publish-ends")
    await consumer.start()
    try:
        parts = await partitions_of(settings.kafka_bootstrap, topic)
        return {tp.partition: end for tp, end in (await consumer.end_offsets(parts)).items()}
    finally:
        await consumer.stop()
