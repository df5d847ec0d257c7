"""Migration 0011_relay_slots on an outbox and offsets the single relay left: every row
gets the slot of its key, every slot starts from the single relay's offsets (all it sent
below them was deleted), and the downgrade keeps each partition's lowest offset."""

from __future__ import annotations

import uuid

import asyncpg

from lotledger.shared.relay_slots import SLOTS
from tests.support.infra import Infra, migrate_to, owner_role

BEFORE, REVISION = "0010_trace_context", "0011_relay_slots"
OWNER = owner_role("inventory")


async def test_every_slot_starts_from_the_single_relays_offsets(fresh_database: Infra) -> None:
    await migrate_to(fresh_database, "inventory", BEFORE)
    conn = await asyncpg.connect(fresh_database.url(OWNER, driver="postgresql"))
    await conn.execute("SET search_path = inventory")
    try:
        await conn.execute(
            "INSERT INTO relay_offsets VALUES "
            "('stock', 0, 120), ('stock', 1, 80), ('catalog', 0, 7)"
        )
        keys = [f"09506000134352/L{n}" for n in range(50)]
        for key in keys:
            await conn.execute(
                "INSERT INTO outbox (topic, key, event_id, payload) VALUES ('stock', $1, $2, '')",
                key,
                uuid.uuid4(),
            )
        await migrate_to(fresh_database, "inventory", REVISION)

        slots = await conn.fetch("SELECT key, slot, hashtext(key) & 31 AS hashed FROM outbox")
        assert all(r["slot"] == r["hashed"] for r in slots)
        assert len({r["slot"] for r in slots}) > 16, "keys spread over the slots"
        offsets = await conn.fetch(
            "SELECT topic, partition, array_agg(DISTINCT next_offset) AS values, count(*) AS n "
            "FROM relay_offsets GROUP BY topic, partition ORDER BY 1, 2"
        )
        assert [(r["topic"], r["partition"], r["values"], r["n"]) for r in offsets] == [
            ("catalog", 0, [7], SLOTS),
            ("stock", 0, [120], SLOTS),
            ("stock", 1, [80], SLOTS),
        ]

        await conn.execute("UPDATE relay_offsets SET next_offset = 150 WHERE slot <> 5")
        await migrate_to(fresh_database, "inventory", BEFORE, down=True)
        back = await conn.fetch("SELECT * FROM relay_offsets ORDER BY 1, 2")
        assert [tuple(r) for r in back] == [("catalog", 0, 7), ("stock", 0, 120), ("stock", 1, 80)]
    finally:
        await conn.close()
