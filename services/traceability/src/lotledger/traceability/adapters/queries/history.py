"""A lot's stored stream and its residence intervals, in order."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lotledger.shared.db import Driver, Row, json_value
from lotledger.shared.envelope import format_time
from lotledger.traceability.adapters.queries.session import Filters
from lotledger.traceability.adapters.rows import derived_members
from lotledger.traceability.domain.residence import Interval

HISTORY_COLUMNS = (
    "version, event_id, type, source, time, at, actor, device, correlation_id, causation_id, "
    "prev_hash, hash, locations, data, extensions"
)


async def history(conn: Driver, gtin: str, lot: str) -> list[Row]:
    """The lot's events in stream-version order."""
    return list(
        await conn.fetch(
            f"SELECT {HISTORY_COLUMNS} FROM history WHERE gtin = $1 AND lot = $2 "  # noqa: S608
            "ORDER BY version",
            gtin,
            lot,
        )
    )


async def path(conn: Driver, gtin: str, lot: str, warehouses: Sequence[str] | None) -> bytes:
    """The lot's rendered trace steps as the inside of a JSON array, in the order things
    happened (`at`, then stream version: an offline scan synced late takes its place);
    with `warehouses`, only lot-wide events and those at one of them. UTF-8 bytes as the
    body carries them: megabytes for a large lot, never decoded and encoded again."""
    q = Filters()
    q.add("gtin = {}", gtin)
    q.add("lot = {}", lot)
    if warehouses is not None:
        q.add(
            "(cardinality(locations) = 0 OR EXISTS (SELECT 1 FROM unnest(locations) AS l "
            "WHERE split_part(l, '/', 1) = ANY({}::text[])))",
            list(warehouses),
        )
    sql = (
        "SELECT convert_to(string_agg(step::text, ',' ORDER BY at, version), 'UTF8') "  # noqa: S608
        f"FROM history{q.where()}"
    )
    return bytes(await conn.fetchval(sql, *q.args) or b"")


async def of_type(conn: Driver, gtin: str, lot: str, event_type: str) -> list[Row]:
    return list(
        await conn.fetch(
            "SELECT version, at, data FROM history WHERE gtin = $1 AND lot = $2 AND type = $3 "
            "ORDER BY version",
            gtin,
            lot,
            event_type,
        )
    )


def envelope(gtin: str, lot: str, row: Row) -> dict[str, Any]:
    """The CloudEvent as it was received, rebuilt from a history row (what the hash
    chain covers)."""
    event: dict[str, Any] = {
        **derived_members(gtin, lot),
        "id": str(row["event_id"]),
        "source": row["source"],
        "type": row["type"],
        "time": format_time(row["time"]),
        "data": json_value(row["data"]),
        "streamversion": row["version"],
        "actor": row["actor"],
        "device": row["device"],
        "correlationid": row["correlation_id"],
        "causationid": row["causation_id"],
        "prevhash": row["prev_hash"],
        "hash": row["hash"],
    }
    event.update(json_value(row["extensions"]) if row["extensions"] is not None else {})
    return event


async def residence(conn: Driver, gtin: str, lot: str) -> list[Interval]:
    """The lot's intervals in the order they were opened."""
    rows = await conn.fetch(
        'SELECT gtin, lot, location, qty, start_at AS start, end_at AS "end", version '
        "FROM residence WHERE gtin = $1 AND lot = $2 ORDER BY version, location",
        gtin,
        lot,
    )
    return [Interval(**dict(r)) for r in rows]
