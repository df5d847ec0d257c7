from __future__ import annotations

import asyncio
import fcntl
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.kafka_instance import KafkaInstance

CLUSTER = KafkaInstance.private("cluster", brokers=3)
"""Brokers and controllers on a free block of ports, named after this process."""


@pytest.fixture(scope="package")
async def cluster() -> AsyncIterator[KafkaInstance]:
    """A 3-broker KRaft cluster of its own, started by deploy/local/kafka.sh and removed
    afterwards. Sessions running at once take turns: three brokers each would crowd the
    machine."""
    lock = Path(tempfile.gettempdir()) / "lotledger-kafka-cluster.lock"
    with lock.open("w") as held:
        await asyncio.to_thread(fcntl.flock, held, fcntl.LOCK_EX)
        await CLUSTER.start()
        try:
            yield CLUSTER
        finally:
            await CLUSTER.reset()
