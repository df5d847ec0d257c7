"""The published stock log, read from Kafka by offset: what a checkpoint commits to is
what consumers (ERPs, traceability, a regulator) received, not what the event store
says today."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition

from lotledger.shared.kafka import create_consumer, partitions_of
from lotledger.shared.settings import CommonSettings
from lotledger.verify.statement import Head, leaf_of


@dataclass(frozen=True)
class Record:
    partition: int
    offset: int
    head: Head | None
    """(stream, version, hash) of a stock event; None for anything else."""


def head_of(value: bytes | None) -> Head | None:
    if not value:
        return None
    try:
        envelope = orjson.loads(value)
    except orjson.JSONDecodeError:
        return None
    return leaf_of(envelope) if isinstance(envelope, dict) else None


class KafkaStockSource:
    def __init__(self, settings: CommonSettings, topic: str, client_id: str) -> None:
        self._settings = settings
        self._topic = topic
        self._consumer: AIOKafkaConsumer = create_consumer(
            settings, group_id=None, client_id=client_id, isolation_level="read_uncommitted"
        )

    async def start(self) -> None:
        await self._consumer.start()

    async def stop(self) -> None:
        await self._consumer.stop()

    async def ends(self) -> dict[int, int]:
        partitions = await partitions_of(self._settings.kafka_bootstrap, self._topic)
        if not partitions:
            return {}
        ends = await self._consumer.end_offsets(partitions)
        return {tp.partition: offset for tp, offset in ends.items()}

    async def read(
        self, since: Mapping[int, int], per_partition: int
    ) -> tuple[list[Record], dict[int, int]]:
        """Records from `since` (per partition; 0 where absent) up to the current end, at
        most `per_partition` from each, in (partition, offset) order; and the offsets
        reached."""
        ends = await self.ends()
        targets = {p: min(end, since.get(p, 0) + per_partition) for p, end in ends.items()}
        pending = {
            TopicPartition(self._topic, p)
            for p, target in targets.items()
            if since.get(p, 0) < target
        }
        found: dict[int, list[Record]] = {tp.partition: [] for tp in pending}
        if pending:
            self._consumer.assign(list(pending))
            for tp in pending:
                self._consumer.seek(tp, since.get(tp.partition, 0))
        while pending:
            batches = await self._consumer.getmany(*pending, timeout_ms=1000)
            for tp, messages in batches.items():
                target = targets[tp.partition]
                found[tp.partition].extend(
                    Record(tp.partition, m.offset, head_of(m.value))
                    for m in messages
                    if m.offset < target
                )
            for tp in list(pending):
                if await self._consumer.position(tp) >= targets[tp.partition]:
                    pending.discard(tp)
        records = [r for p in sorted(found) for r in found[p]]
        return records, {**since, **{p: max(t, since.get(p, 0)) for p, t in targets.items()}}
