"""An ERP-side subscriber: keeps its own stock ledger from `lotledger.stock.v1`.

It is deliberately small and uses only aiokafka and the standard library (SQLite), as an
ERP team would start. It shows the three things a subscriber must get right:

- idempotence: every event id is applied once (a replay or a duplicate changes nothing);
- resumption: its own stored offsets, committed in the same SQLite transaction as the
  ledger changes, decide where it resumes (Kafka group offsets are not trusted);
- order: one batch's events arrive in `streamversion` order on one partition;
- holdings: stock is held per (lot, location, holding status) — a return, an incoming
  inspection or a QA hold is on hand but not saleable (`holding_status`, absent meaning
  `available`; `holding_changed` moves stock between statuses at one location).

    uv run python examples/erp_subscriber.py --bootstrap 127.0.0.1:9092 --db ledger.sqlite
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

SCHEMA = """
CREATE TABLE IF NOT EXISTS ledger (gtin TEXT, lot TEXT, location TEXT, holding TEXT,
                                   qty INTEGER, PRIMARY KEY (gtin, lot, location, holding));
CREATE TABLE IF NOT EXISTS applied (event_id TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS positions (topic TEXT, partition INTEGER, next_offset INTEGER,
                                      PRIMARY KEY (topic, partition));
"""


def deltas(event: dict[str, Any]) -> list[tuple[str, str, int]]:
    """(location, holding status, quantity change) triples of one stock event."""
    data = event["data"]
    kind = event["type"].split(".")[2]
    held = data.get("holding_status") or "available"
    match kind:
        case "received" | "returned":
            return [(data["location"], held, data["qty"])]
        case "picked" | "disposed":
            return [(data["location"], held, -data["qty"])]
        case "moved":
            return [
                (data["from_location"], held, -data["qty"]),
                (data["to_location"], held, data["qty"]),
            ]
        case "adjusted":
            return [(data["location"], held, data["delta"])]
        case "counted":
            return [(data["location"], held, data["variance"])]
        case "holding_changed":
            return [
                (data["location"], data["from_status"], -data["qty"]),
                (data["location"], data["to_status"], data["qty"]),
            ]
    return []


class Ledger:
    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path)
        self.db.executescript(SCHEMA)

    def positions(self, topic: str) -> dict[int, int]:
        rows = self.db.execute(
            "SELECT partition, next_offset FROM positions WHERE topic = ?", (topic,)
        )
        return dict(rows.fetchall())

    def apply(self, topic: str, records: list[Any]) -> int:
        """Apply a fetched batch and the new positions in one transaction."""
        applied = 0
        with self.db:
            for record in records:
                event = json.loads(record.value)
                fresh = self.db.execute(
                    "INSERT OR IGNORE INTO applied VALUES (?)", (event["id"],)
                ).rowcount
                if fresh:
                    gtin, lot = event["data"]["gtin"], event["data"]["lot"]
                    for location, holding, change in deltas(event):
                        self.db.execute(
                            "INSERT INTO ledger VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE "
                            "SET qty = qty + excluded.qty",
                            (gtin, lot, location, holding, change),
                        )
                    applied += 1
                self.db.execute(
                    "INSERT INTO positions VALUES (?, ?, ?) ON CONFLICT DO UPDATE "
                    "SET next_offset = excluded.next_offset",
                    (topic, record.partition, record.offset + 1),
                )
            self.db.execute("DELETE FROM ledger WHERE qty = 0")
        return applied

    def stock(self) -> dict[tuple[str, str, str, str], int]:
        """Quantity per (gtin, lot, location, holding status)."""
        rows = self.db.execute("SELECT gtin, lot, location, holding, qty FROM ledger")
        return {(g, lot, loc, h): q for g, lot, loc, h, q in rows.fetchall()}


async def catch_up(bootstrap: str, topic: str, ledger: Ledger) -> int:
    """Consume from the stored positions to the current end of every partition."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    applied = 0
    try:
        partitions = [
            TopicPartition(topic, p) for p in sorted(await _partition_ids(bootstrap, topic))
        ]
        consumer.assign(partitions)
        stored = ledger.positions(topic)
        for tp in partitions:
            consumer.seek(tp, stored.get(tp.partition, 0))
        ends = await consumer.end_offsets(partitions)
        while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                applied += ledger.apply(topic, records)
    finally:
        await consumer.stop()
    return applied


async def _partition_ids(bootstrap: str, topic: str) -> set[int]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        [described] = await admin.describe_topics([topic])
    finally:
        await admin.close()
    if described["error_code"]:
        raise RuntimeError(f"topic {topic}: Kafka error {described['error_code']}")
    return {p["partition"] for p in described["partitions"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bootstrap", default="127.0.0.1:9092")
    parser.add_argument("--topic", default="lotledger.stock.v1")
    parser.add_argument("--db", type=Path, default=Path("erp-ledger.sqlite"))
    args = parser.parse_args()
    ledger = Ledger(args.db)
    applied = asyncio.run(catch_up(args.bootstrap, args.topic, ledger))
    print(f"applied {applied} events; {len(ledger.stock())} stock lines")


if __name__ == "__main__":
    main()
