"""The earlier lots a FEFO deviation names, from the lots the projector reads for the
touched products (`LotFactsStore.lots_of`): available lots of the product expiring
before the picked one with stock in the pick's warehouse, at most `EARLIER_LOTS_NAMED`,
in expiry order. Emptied lots (their status stays available) are not read at all, however
many there are; lots held elsewhere and lots not available are passed over. On the real
alerts schema, rolled back."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import asyncpg

from lotledger.alerts.adapters.lot_facts import LotFactsStore
from lotledger.alerts.adapters.write_behind import WriteBehindConnection
from lotledger.alerts.domain.facts import FefoDeviation
from lotledger.alerts.domain.triggered import EARLIER_LOTS_NAMED, fefo_deviation
from tests.unit.alerts.fixtures import ZONES

GTIN = "09506000134352"
FIRST = date(2027, 1, 1)
PICKED_AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


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


def _picked(location: str) -> FefoDeviation:
    return FefoDeviation("evt-1", GTIN, "PICKED", location, 1, "SO-1", "PHARMACY-1", PICKED_AT)


def _named(details: object) -> list[str]:
    assert isinstance(details, dict)
    return [lot["lot"] for lot in details["earlier_lots"]]


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
    for n in range(EARLIER_LOTS_NAMED + 1):
        await _lot(alerts_conn, f"WH3-{n:02d}", 40 - n, "available", {"WH3/AMB-A/01": 1})
    lots = LotFactsStore(WriteBehindConnection(alerts_conn))

    (read,) = (await lots.lots_of({GTIN: ["PICKED", "EMPTIED-000"]})).values()

    names = [lot.lot for lot in read]
    assert names == sorted(names)
    assert len(names) == len(set(names)), "a named lot with stock is read once"
    assert {"FIRST", "PICKED", "EMPTIED-000"} <= set(names)
    assert not any(lot.lot.startswith("EMPTIED-") and lot.lot != "EMPTIED-000" for lot in read)
    first = next(lot for lot in read if lot.lot == "FIRST")
    assert first.on_hand == {"WH1/AMB-A/01": 5, "WH1/AMB-A/02": 1}
    wh1 = fefo_deviation(_picked("WH1/AMB-A/01"), read, ZONES).details
    assert _named(wh1) == ["FIRST", "SECOND", "THIRD"]
    assert _named(fefo_deviation(_picked("WH2/AMB-A/01"), read, ZONES).details) == [
        "ELSEWHERE",
        "THIRD",
    ]
    wh3 = _named(fefo_deviation(_picked("WH3/AMB-A/01"), read, ZONES).details)
    assert wh3 == [f"WH3-{n:02d}" for n in range(EARLIER_LOTS_NAMED, 0, -1)]
