"""Reading the stock and checkpoint topics from offset zero to their current end."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.client import AIOKafkaClient

from lotledger.verify.audit import SignedCheckpoint, StockRecord
from lotledger.verify.statement import CHECKPOINT_TYPE, Statement

STOCK = "lotledger.stock.v1"
CHECKPOINTS = "lotledger.checkpoints.v1"


async def read_topic(bootstrap: str, topic: str) -> dict[int, list[tuple[int, bytes | None]]]:
    """Every record of every partition as (offset, value), up to the end seen at start."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        client_id="lotledger-verify",
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        partitions = await partitions_of(bootstrap, topic)
        out: dict[int, list[tuple[int, bytes | None]]] = {tp.partition: [] for tp in partitions}
        if not partitions:
            return out
        ends = await consumer.end_offsets(partitions)
        pending = {tp for tp in partitions if ends[tp] > 0}
        consumer.assign(list(pending))
        await consumer.seek_to_beginning(*pending)
        while pending:
            batches = await consumer.getmany(*pending, timeout_ms=1000)
            for tp, messages in batches.items():
                out[tp.partition].extend(
                    (m.offset, m.value) for m in messages if m.offset < ends[tp]
                )
            for tp in list(pending):
                if await consumer.position(tp) >= ends[tp]:
                    pending.discard(tp)
        return out
    finally:
        await consumer.stop()


async def partitions_of(bootstrap: str, topic: str) -> list[TopicPartition]:
    """A topic's partitions, from fresh cluster metadata (an unknown topic has none)."""
    client = AIOKafkaClient(bootstrap_servers=bootstrap, client_id="lotledger-metadata")
    await client.bootstrap()
    try:
        cluster = await client.fetch_all_metadata()
    finally:
        await client.close()
    return [TopicPartition(topic, p) for p in sorted(cluster.partitions_for_topic(topic) or ())]


def stock_records(raw: dict[int, list[tuple[int, bytes | None]]]) -> dict[int, list[StockRecord]]:
    return {
        p: [StockRecord(p, offset, _object(value)) for offset, value in rows]
        for p, rows in raw.items()
    }


def signed_checkpoints(raw: dict[int, list[tuple[int, bytes | None]]]) -> list[SignedCheckpoint]:
    out: list[SignedCheckpoint] = []
    for partition in sorted(raw):
        for _, value in raw[partition]:
            envelope = _object(value)
            if envelope is None or envelope.get("type") != CHECKPOINT_TYPE:
                continue
            data = envelope.get("data") or {}
            out.append(
                SignedCheckpoint(
                    Statement.from_dict(data["statement"]),
                    str(data["signature"]),
                    [(str(s), int(v), str(h)) for s, v, h in data.get("heads", [])],
                )
            )
    return out


def _object(value: bytes | None) -> dict[str, Any] | None:
    if not value:
        return None
    try:
        parsed = orjson.loads(value)
    except orjson.JSONDecodeError:
        return None
    return parsed if isinstance(parsed, dict) else None


def topics(prefix: str) -> Sequence[str]:
    return (prefix + STOCK, prefix + CHECKPOINTS)
