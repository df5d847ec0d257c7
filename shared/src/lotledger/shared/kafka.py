"""aiokafka factories. Producers are idempotent with acks=all; consumers never
auto-commit (positions are stored with the work they describe)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.client import AIOKafkaClient
from aiokafka.errors import for_code
from aiokafka.protocol.api import Response
from aiokafka.protocol.metadata import MetadataRequest

from lotledger.shared.contracts.topics import TOPICS, TopicSpec, topic_configs
from lotledger.shared.settings import CommonSettings
from lotledger.verify.kafka_log import partitions_of as partitions_of

TOPIC_ALREADY_EXISTS = 36
CONSUMER_METADATA_MAX_AGE_MS = 10_000
"""A group member is given partitions only of topics its metadata knows, and aiokafka asks
again only when that metadata expires (5 minutes by default): a topic made after the member
joined, or one its broker had not heard of yet, would stay unconsumed that long."""
STRUCTURED = [("content-type", b"application/cloudevents+json")]
"""Kafka headers of a CloudEvent in structured content mode (the whole event is the value)."""


def create_producer(
    settings: CommonSettings, client_id: str, **overrides: object
) -> AIOKafkaProducer:
    options: dict[str, object] = {
        "bootstrap_servers": settings.kafka_bootstrap,
        "client_id": client_id,
        "enable_idempotence": True,
        "acks": "all",
        "linger_ms": 2,
        "max_batch_size": 256 * 1024,
        "request_timeout_ms": 30000,
    }
    options.update(overrides)
    return AIOKafkaProducer(**options)


def create_consumer(
    settings: CommonSettings, group_id: str | None, client_id: str, **overrides: object
) -> AIOKafkaConsumer:
    options: dict[str, object] = {
        "bootstrap_servers": settings.kafka_bootstrap,
        "client_id": client_id,
        "group_id": group_id,
        "enable_auto_commit": False,
        "auto_offset_reset": "earliest",
        "isolation_level": "read_committed",
        "max_poll_records": 2000,
        "fetch_max_bytes": 16 * 1024 * 1024,
        "max_partition_fetch_bytes": 4 * 1024 * 1024,
        "metadata_max_age_ms": CONSUMER_METADATA_MAX_AGE_MS,
        "fetch_min_bytes": settings.kafka_fetch_min_bytes,
        "fetch_max_wait_ms": settings.kafka_fetch_max_wait_ms,
    }
    options.update(overrides)
    return AIOKafkaConsumer(**options)


async def ensure_topics(
    settings: CommonSettings, specs: Iterable[TopicSpec] = TOPICS, timeout_s: float = 30.0
) -> list[str]:
    """Create any missing topics with `settings.topic_replication` replicas and the
    `min.insync.replicas` that goes with it (`topic_configs`); returns the names it created.
    Existing topics are left as they are (their partitions and configs are an operator's
    decision)."""
    admin = AIOKafkaAdminClient(
        bootstrap_servers=settings.kafka_bootstrap, client_id="lotledger-admin"
    )
    await admin.start()
    try:
        new = [
            NewTopic(
                name=settings.topic(spec.name),
                num_partitions=spec.partitions or settings.topic_partitions,
                replication_factor=settings.topic_replication,
                topic_configs=topic_configs(
                    spec, settings.topic_replication, settings.record_retention_days
                ),
            )
            for spec in specs
        ]
        response = await admin.create_topics(new, timeout_ms=int(timeout_s * 1000))
        created = []
        for topic, code, *_ in response.topic_errors:
            if code == 0:
                created.append(topic)
            elif code != TOPIC_ALREADY_EXISTS:
                raise for_code(code)(f"creating topic {topic}")
        if created:
            await _wait_until_every_broker_knows(settings.kafka_bootstrap, created, timeout_s)
        return created
    finally:
        await admin.close()


async def _wait_until_every_broker_knows(
    bootstrap: str, topics: list[str], timeout_s: float
) -> None:
    """A new topic reaches each broker's metadata cache on its own time. A consumer whose
    group is assigned by a broker that does not know the topic yet gets no partition of it,
    and asks again only when its metadata expires (minutes), so wait for every broker."""
    client = AIOKafkaClient(bootstrap_servers=bootstrap, client_id="lotledger-admin")
    await client.bootstrap()
    request = MetadataRequest(topics, allow_auto_topic_creation=False)
    try:
        async with asyncio.timeout(timeout_s):
            for broker in client.cluster.brokers():
                while not _leaders_known(await client.send(broker.nodeId, request)):  # noqa: ASYNC110
                    await asyncio.sleep(0.1)
    finally:
        await client.close()


def _leaders_known(metadata: Response) -> bool:
    return all(
        t["error_code"] == 0 and t["partitions"] and all(p["leader"] >= 0 for p in t["partitions"])
        for t in metadata.to_object()["topics"]
    )


async def delete_topics(settings: CommonSettings, names: list[str]) -> None:
    admin = AIOKafkaAdminClient(
        bootstrap_servers=settings.kafka_bootstrap, client_id="lotledger-admin"
    )
    await admin.start()
    try:
        await admin.delete_topics(names)
    finally:
        await admin.close()


async def kafka_ready(bootstrap: str, timeout_s: float = 2.0) -> bool:
    """Whether a broker answers a metadata request now (a fresh connection each time)."""
    client = AIOKafkaClient(
        bootstrap_servers=bootstrap,
        client_id="lotledger-readyz",
        request_timeout_ms=int(timeout_s * 1000),
    )
    try:
        async with asyncio.timeout(timeout_s):
            await client.bootstrap()
    except Exception:
        return False
    finally:
        await client.close()
    return True


class LazyProducer:
    """A producer started on first use, so a service can start (and report not-ready)
    while Kafka is down; a failed start is retried on the next use."""

    def __init__(self, settings: CommonSettings, client_id: str) -> None:
        self._settings = settings
        self._client_id = client_id
        self._producer: AIOKafkaProducer | None = None
        self._lock = asyncio.Lock()

    async def get(self) -> AIOKafkaProducer:
        if self._producer is not None:
            return self._producer
        async with self._lock:
            if self._producer is None:
                producer = create_producer(self._settings, self._client_id)
                try:
                    await producer.start()
                except Exception:
                    await producer.stop()
                    raise
                self._producer = producer
        return self._producer

    async def stop(self) -> None:
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None
