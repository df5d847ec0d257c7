from datetime import UTC, datetime
from uuid import uuid4

from lotledger.shared.contracts.topics import STOCK
from lotledger.shared.envelope import CloudEvent
from lotledger.shared.kafka import create_consumer, create_producer
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
