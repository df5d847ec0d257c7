"""On a 3-broker cluster, the partition leader SIGKILLed during a load of acknowledged
produces, a consumer and the inventory relay (failover.py plays it): no acknowledged record is
lost, writes and consumers go on, the relay still publishes every committed event once in
per-batch order, and the broker's return is absorbed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from lotledger.shared.contracts.topics import STOCK
from tests.integration.cluster.failover import Failover, run_failover
from tests.support.infra import Infra
from tests.support.kafka_instance import KafkaInstance
from tests.support.private import private_inventory
from tests.support.relay import versions_by_subject
from tests.support.world import COLD

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
async def world(cluster: KafkaInstance) -> AsyncIterator[Infra]:
    async with private_inventory(cluster.bootstrap, topic_replication=3) as infra:
        yield infra


@pytest.fixture(scope="module")
async def failover(cluster: KafkaInstance, world: Infra) -> Failover:
    return await run_failover(cluster, world)


async def test_topics_on_the_cluster_have_three_replicas_and_need_two_in_sync(
    cluster: KafkaInstance, world: Infra
) -> None:
    topic = f"{world.topic_prefix}{STOCK}"
    admin = AIOKafkaAdminClient(bootstrap_servers=cluster.bootstrap)
    await admin.start()
    try:
        [described] = await admin.describe_topics([topic])
        [response] = await admin.describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, topic, {"min.insync.replicas": None})]
        )
    finally:
        await admin.close()
    assert [len(p["replicas"]) for p in described["partitions"]] == [3, 3, 3]
    [(_, _, _, _, configs)] = response.resources
    [(name, value, _, source, *_)] = configs
    assert (name, value) == ("min.insync.replicas", "2")
    assert source == 1, "set on the topic, not left to the broker's default"


def test_no_acknowledged_record_is_lost_or_doubled(failover: Failover) -> None:
    logged = [n for n, *_ in failover.log]
    assert len(failover.acked) > 1000
    assert set(failover.acked) - set(logged) == set(), "acknowledged records lost"
    assert len(logged) == len(set(logged)), "a record reached the log twice"


def test_each_key_keeps_its_order(failover: Failover) -> None:
    by_key: dict[str, list[int]] = defaultdict(list)
    for n, key, _, _ in sorted(failover.log, key=lambda r: (r[2], r[3])):
        by_key[key].append(n)
    assert len(by_key) == 24
    for key, numbers in by_key.items():
        assert numbers == sorted(numbers), key


def test_writes_go_on_while_the_broker_is_down(failover: Failover) -> None:
    during = failover.acked_between(failover.led_over_at, failover.returned_at)
    assert len(during) > 100, "acks=all with min.insync.replicas=2 writes on two brokers"
    assert failover.acked_between(failover.rejoined_at, float("inf"))


def test_the_consumer_goes_on_and_applies_each_record_once(failover: Failover) -> None:
    assert failover.projector_error is None
    applied = [n for n, *_ in failover.applied]
    assert len(applied) == len(set(applied)), "a record was applied twice"
    assert sorted(applied) == sorted(n for n, *_ in failover.log)
    assert set(failover.acked_between(failover.rejoined_at, float("inf"))) <= set(applied)


def test_the_broker_returns_to_every_isr(failover: Failover) -> None:
    for topic, isrs in failover.isr.items():
        assert isrs == failover.replicas[topic], topic
        assert all(failover.victim in isr for isr in isrs), topic


def test_the_relay_publishes_every_committed_event_once_in_batch_order(
    failover: Failover,
) -> None:
    ids = [m["id"] for m in failover.stock]
    assert len(ids) == failover.committed_stock_events
    assert len(set(ids)) == len(ids), "an event reached Kafka twice"
    streams = versions_by_subject(failover.stock)
    assert set(streams) == {f"{COLD}/{lot}" for lot in failover.lots}
    for subject, versions in streams.items():
        assert versions == list(range(1, len(versions) + 1)), subject
