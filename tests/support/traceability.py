"""Waiting for the traceability read models to hold everything inventory committed:
inventory's outbox drained, then the traceability consumer positions at the topics' ends."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import asyncpg
from aiokafka import AIOKafkaConsumer

from lotledger.shared.contracts.topics import CATALOG, CHECKPOINTS, STOCK, TELEMETRY
from lotledger.shared.kafka import partitions_of
from tests.support.infra import Infra

CONSUMER = "traceability"


async def _until(condition: Callable[[], Awaitable[bool]]) -> None:
    while True:
        if await condition():
            return
        await asyncio.sleep(0.05)


async def settle(infra: Infra, schema: str = "traceability", timeout_s: float = 30.0) -> None:
    """Return once `schema`'s projection has applied every record published so far."""
    inventory = await asyncpg.connect(infra.url("inventory", driver="postgresql"))
    traceability = await asyncpg.connect(
        infra.url("traceability", driver="postgresql"), server_settings={"search_path": schema}
    )
    consumer = AIOKafkaConsumer(bootstrap_servers=infra.kafka_bootstrap, group_id=None)
    await consumer.start()

    async def drained() -> bool:
        return not await inventory.fetchval("SELECT count(*) FROM inventory.outbox")

    try:
        async with asyncio.timeout(timeout_s):
            await _until(drained)
            topics = [f"{infra.topic_prefix}{t}" for t in (STOCK, CATALOG, TELEMETRY, CHECKPOINTS)]
            partitions = [
                tp for t in topics for tp in await partitions_of(infra.kafka_bootstrap, t)
            ]
            ends = await consumer.end_offsets(partitions)

            async def caught_up() -> bool:
                rows = await traceability.fetch(
                    "SELECT topic, partition, next_offset FROM consumer_positions "
                    "WHERE consumer = $1",
                    CONSUMER,
                )
                reached = {(r["topic"], r["partition"]): r["next_offset"] for r in rows}
                return all(reached.get((tp.topic, tp.partition), 0) >= e for tp, e in ends.items())

            await _until(caught_up)
    except TimeoutError as exc:
        raise AssertionError(f"the {schema} projection did not catch up in {timeout_s} s") from exc
    finally:
        await consumer.stop()
        await inventory.close()
        await traceability.close()
