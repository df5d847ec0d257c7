"""Serial-carrying events (docs/adr/0016-serials.md), found through `history_serials`."""

from __future__ import annotations

from lotledger.shared.db import Driver, Row


async def pack_events(conn: Driver, gtin: str, serial: str) -> list[Row]:
    """Every event of `gtin` naming `serial`, in the order things happened."""
    return list(
        await conn.fetch(
            "SELECT lot, version, event_id, type, at, locations, data FROM history "
            "WHERE data ? 'serials' AND data -> 'serials' ? $2 AND gtin = $1 "
            "ORDER BY at, lot, version",
            gtin,
            serial,
        )
    )


async def lot_serial_events(conn: Driver, gtin: str, lot: str) -> list[Row]:
    return list(
        await conn.fetch(
            "SELECT type, data FROM history WHERE gtin = $1 AND lot = $2 AND data ? 'serials' "
            "ORDER BY version",
            gtin,
            lot,
        )
    )
