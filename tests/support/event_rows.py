"""Event rows written straight into inventory's `events` table (a connection whose search
path is the inventory schema), for tests of what reads the table: the relay's source and
its migration."""

from __future__ import annotations

import uuid

import asyncpg
import orjson


async def insert_event(
    conn: asyncpg.Connection, stream: str, version: int, *, payload: bool = True
) -> uuid.UUID:
    """An event row with the columns the relay reads; `payload=False` for a schema older
    than the relay's own columns (migration `0013_event_relay`)."""
    event_id = uuid.uuid4()
    columns = (
        "event_id, stream_id, version, source, type, data, occurred_at, actor, prev_hash, hash"
    )
    values = "$1, $2, $3, 'test', 'test.v1', '{}', now(), 'test', repeat('0', 64), repeat('0', 64)"
    arguments: list[object] = [event_id, stream, version]
    if payload:
        columns, values = f"{columns}, payload", f"{values}, $4"
        arguments.append(orjson.dumps({"id": str(event_id)}))
    await conn.execute(f"INSERT INTO events ({columns}) VALUES ({values})", *arguments)  # noqa: S608
    return event_id
