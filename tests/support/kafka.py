"""Reading what really reached the broker."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient

from lotledger.shared.kafka import partitions_of


async def read_topic(
    bootstrap: str,
    topic: str,
    *,
    until: Callable[[list[dict[str, Any]]], bool] | None,
    timeout_s: float = 30.0,
) -> list[dict[str, Any]]:
    """Every message on `topic` from offset zero (value parsed, plus `_key`, `_partition`,
    `_offset`), polling until `until(messages)` holds, or with `until=None` up to the end
    offsets as of the call; fails on timeout."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None
    )
    await consumer.start()
    messages: list[dict[str, Any]] = []
    try:
        partitions = await partitions_of(bootstrap, topic)
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions) if until is None else {}

        async def done() -> bool:
            if until is not None:
                return until(messages)
            return all([await consumer.position(tp) >= end for tp, end in ends.items()])

        async with asyncio.timeout(timeout_s):
            while not await done():
                batches = await consumer.getmany(timeout_ms=500)
                for records in batches.values():
                    for record in records:
                        value = orjson.loads(record.value)
                        value["_key"] = record.key.decode() if record.key else None
                        value["_partition"] = record.partition
                        value["_offset"] = record.offset
                        messages.append(value)
    except TimeoutError as exc:
        positions = {tp.partition: await consumer.position(tp) for tp in partitions}
        ends = {tp.partition: end for tp, end in (await consumer.end_offsets(partitions)).items()}
        raise AssertionError(
            f"{topic}: condition not met after {timeout_s}s; {len(messages)} messages seen; "
            f"positions {positions}, ends {ends}"
        ) from exc
    finally:
        await consumer.stop()
    return messages


def of_subject(messages: list[dict[str, Any]], subject: str) -> list[dict[str, Any]]:
    return [m for m in messages if m.get("subject") == subject]


async def group_members(bootstrap: str, group: str) -> int:
    """The members of consumer group `group` once it is stable, as the broker sees them;
    0 while it rebalances (members may be listed before they hold their partitions)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        (response,) = await admin.describe_consumer_groups([group])
        _, _, state, _, _, members, *_ = response.groups[0]
        return len(members) if state == "Stable" else 0
    finally:
        await admin.close()
