from __future__ import annotations

import asyncio
import fcntl
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.kafka_instance import KafkaInstance

CLUSTER = KafkaInstance("cluster", 29092, 29093, brokers=3)
"""Brokers on 29092/29094/29096, controllers on 29093/29095/29097: clear of the shared
broker (9092/9093) and of the readiness test's (19092/19093)."""


@pytest.fixture(scope="package")
async def cluster() -> AsyncIterator[KafkaInstance]:
    """A 3-broker KRaft cluster of its own, started by deploy/local/kafka.sh and removed
    afterwards. Test sessions running at once take turns (they kill its brokers)."""
    lock = Path(tempfile.gettempdir()) / f"lotledger-kafka-{CLUSTER.name}.lock"
    with lock.open("w") as held:
        await asyncio.to_thread(fcntl.flock, held, fcntl.LOCK_EX)
        await CLUSTER.start()
        try:
            yield CLUSTER
        finally:
            await CLUSTER.reset()
