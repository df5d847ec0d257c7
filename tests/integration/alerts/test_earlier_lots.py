"""The earlier lots a FEFO deviation names: available lots of the product expiring before
the picked one with stock in the pick's warehouse, at most the limit, in expiry order
with the picked lot. Emptied lots (their status stays available), lots held elsewhere and
lots not available are passed over, however many there are. On the real alerts schema,
rolled back."""

from __future__ import annotations

from datetime import date, timedelta

import asyncpg

from lotledger.alerts.adapters.lot_facts import LotFactsStore
from lotledger.alerts.adapters.write_behind import WriteBehindConnection

GTIN = "09506000134352"
FIRST = date(2027, 1, 1)


async def _lot(
    conn: asyncpg.Connection, lot: str, day: int, status: str, stock: dict[str, int]
) -> None:
    await conn.execute(
        "INSERT INTO lots (gtin, lot, expiry, status, version) VALUES ($1, $2, $3, $4, 1)",
        GTIN,
        lot,
        FIRST + timedelta(days=day),
        status,
    )
    for location, qty in stock.items():
        await conn.execute(
            "INSERT INTO lot_stock (gtin, lot, location, warehouse, qty, held) "
            "VALUES ($1, $2, $3, $4, $5, 0)",
            GTIN,
            lot,
            location,
            location.split("/")[0],
            qty,
        )


async def test_a_deviation_names_the_earliest_available_lots_stocked_in_its_warehouse(
    alerts_conn: asyncpg.Connection,
) -> None:
    for n in range(300):
        await _lot(alerts_conn, f"EMPTIED-{n:03d}", n % 40, "available", {})
    await _lot(alerts_conn, "ELSEWHERE", 1, "available", {"WH2/AMB-A/01": 9})
    await _lot(alerts_conn, "HELD", 2, "quarantined", {"WH1/AMB-A/01": 9})
    await _lot(alerts_conn, "SECOND", 20, "available", {"WH1/AMB-A/02": 4})
    await _lot(alerts_conn, "FIRST", 10, "available", {"WH1/AMB-A/01": 5, "WH1/AMB-A/02": 1})
    await _lot(alerts_conn, "THIRD", 30, "available", {"WH1/AMB-A/01": 2, "WH2/AMB-A/01": 7})
    await _lot(alerts_conn, "LATER", 90, "available", {"WH1/AMB-A/01": 6})
    await _lot(alerts_conn, "PICKED", 60, "available", {"WH1/AMB-A/01": 3})
    lots = LotFactsStore(WriteBehindConnection(alerts_conn))

    two, every, other = await lots.earlier_available(
        [(GTIN, "PICKED", "WH1"), (GTIN, "PICKED", "WH1"), (GTIN, "PICKED", "WH2")],
        limit=2,
    )
    assert [lot.lot for lot in two] == ["FIRST", "SECOND", "PICKED"]
    assert two[0].on_hand == {"WH1/AMB-A/01": 5, "WH1/AMB-A/02": 1}
    assert [lot.lot for lot in every] == ["FIRST", "SECOND", "PICKED"]
    assert [lot.lot for lot in other] == ["ELSEWHERE", "THIRD", "PICKED"]
    (wider,) = await lots.earlier_available([(GTIN, "PICKED", "WH1")], limit=5)
    assert [lot.lot for lot in wider] == ["FIRST", "SECOND", "THIRD", "PICKED"]
