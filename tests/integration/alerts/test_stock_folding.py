"""A batch's stock changes held back and sent as one statement leave exactly the rows the
changes sent one by one leave: quantities and held parts per location, emptied locations
removed, and every warehouse the stock reached remembered (also one emptied again within
the batch). Both run on the real alerts schema, in a transaction rolled back at the end."""

from __future__ import annotations

from datetime import date

import asyncpg

from lotledger.alerts.adapters.lot_facts import LotFactsStore
from lotledger.alerts.adapters.write_behind import WriteBehindConnection
from lotledger.shared.contracts.stock import BatchStatus
from tests.integration.alerts.world import fresh_gtin
from tests.support.world import fresh_lot

CHANGES = [
    ("WH1/A/01", 10, 0),
    ("WH1/A/01", -4, 0),
    ("WH1/A/01", 0, 3),
    ("WH2/B/01", 6, 0),
    ("WH2/B/01", -6, 0),
    ("WH1/A/01", -2, -3),
    ("WH3/C/01", 5, 5),
    ("WH3/C/01", 0, -2),
    ("WH1/Q/01", 2, 2),
    ("WH1/A/01", -4, 0),
]
"""A receipt, picks, a holding changed and released, a warehouse filled and emptied within
the batch, a quarantined receipt partly released, and a location emptied at the end."""


async def _rows(conn: asyncpg.Connection, gtin: str) -> tuple[list[tuple[object, ...]], ...]:
    """What the batch left for `gtin`, without naming the product or lot."""
    stock = await conn.fetch(
        "SELECT location, warehouse, qty, held FROM lot_stock WHERE gtin = $1 ORDER BY 1", gtin
    )
    stocked_in = await conn.fetch(
        "SELECT warehouse FROM stocked_in WHERE gtin = $1 ORDER BY 1", gtin
    )
    reached = await conn.fetch(
        "SELECT warehouse FROM lot_warehouses WHERE gtin = $1 ORDER BY 1", gtin
    )
    return tuple([tuple(r) for r in rows] for rows in (stock, stocked_in, reached))


async def _apply(conn: asyncpg.Connection, one_by_one: bool) -> str:
    gtin, lot = fresh_gtin(), fresh_lot("SF")
    writes = WriteBehindConnection(conn)
    lots = LotFactsStore(writes)
    await lots.received(gtin, lot, date(2028, 1, 31), BatchStatus.AVAILABLE, 1)
    for location, delta, held in CHANGES:
        await lots.add(gtin, lot, location, delta, held)
        if one_by_one:
            await writes.flush()
    await writes.flush()
    return gtin


async def test_a_folded_batch_leaves_the_rows_of_its_changes_sent_one_by_one(
    alerts_conn: asyncpg.Connection,
) -> None:
    conn = alerts_conn
    folded = await _rows(conn, await _apply(conn, one_by_one=False))
    each = await _rows(conn, await _apply(conn, one_by_one=True))

    assert folded == each
    stock, stocked_in, reached = folded
    assert stock == [("WH1/Q/01", "WH1", 2, 2), ("WH3/C/01", "WH3", 5, 3)]
    assert stocked_in == reached == [("WH1",), ("WH2",), ("WH3",)]
