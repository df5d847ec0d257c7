"""Taking a consumer's records in batches: what has arrived, and what a moment more
brings (`fetch`)."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

Record = Any
"""An aiokafka ConsumerRecord (aiokafka ships no type information)."""

CATCH_UP_MS = 20
"""How long a batch of waiting records waits for the fetch their taking set off: a round
trip to a broker that has the records (a few ms), bounded for one that has none."""
WAITING_S = 0.002
"""A first call that returned sooner found the records already fetched."""


async def fetch(
    consumer: AIOKafkaConsumer,
    partitions: Iterable[TopicPartition],
    timeout_ms: int,
    max_records: int,
) -> dict[TopicPartition, list[Record]]:
    """Wait up to `timeout_ms` for records, then take whatever else has already arrived, up
    to `max_records`: a backlog is applied in large batches (one transaction each), while a
    quiet stream still goes through record by record as it comes.

    Records that were waiting (the first call returned at once) are what the consumer
    fetched while the caller applied its last batch. The consumer fetches a partition
    again only once its records are taken, so what arrived meanwhile is still on the
    broker: wait `CATCH_UP_MS` for that fetch too, or it waits for the next batch."""
    wanted = tuple(partitions)
    started = time.monotonic()
    batches: dict[TopicPartition, list[Record]] = await consumer.getmany(
        *wanted, timeout_ms=timeout_ms, max_records=max_records
    )
    waiting = time.monotonic() - started < WAITING_S
    taken = sum(len(records) for records in batches.values())
    while batches and taken < max_records:
        wait_ms, waiting = (CATCH_UP_MS if waiting else 0), False
        more = await consumer.getmany(*wanted, timeout_ms=wait_ms, max_records=max_records - taken)
        if not more:
            break
        for tp, records in more.items():
            batches.setdefault(tp, []).extend(records)
            taken += len(records)
    return batches
