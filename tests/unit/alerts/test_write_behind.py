"""Held fact writes fold exactly as the statements they replace would have applied one by
one: the last version and the last status given win, quantities add; and whatever reads
sends them first."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from lotledger.alerts.adapters.write_behind import HeldWrites, WriteBehindConnection
from lotledger.shared.db import Driver


def test_versions_and_statuses_fold_to_the_last_given() -> None:
    held = HeldWrites()
    held.advance("g", "l", 2, "quarantined")
    held.advance("g", "l", 3, None)
    held.advance("g", "m", 1, None)
    assert held.advances == {("g", "l"): (3, "quarantined"), ("g", "m"): (1, None)}
    held.advance("g", "l", 4, "available")
    assert held.advances[("g", "l")] == (4, "available")


def test_quantities_add() -> None:
    held = HeldWrites()
    held.ship(("g", "l", "p", "WH1"), 3, 0)
    held.ship(("g", "l", "p", "WH1"), 2, 1)
    held.ship_daily(("g", "WH1", date(2026, 12, 4)), 3)
    held.ship_daily(("g", "WH1", date(2026, 12, 4)), 2)
    assert held.shipments == {("g", "l", "p", "WH1"): (5, 1)}
    assert held.shipped_daily == {("g", "WH1", date(2026, 12, 4)): 5}


class Recording:
    def __init__(self) -> None:
        self.sent: list[str] = []

    async def execute(self, query: str, *args: Any) -> None:
        self.sent.append(query.split()[0] + " " + query.split()[1 + query.startswith("INSERT")])

    async def fetch(self, query: str, *args: Any) -> list[Any]:
        self.sent.append("read")
        return []

    async def cursor(self, query: str, *args: Any, prefetch: int | None = None) -> Any:
        self.sent.append("cursor")
        yield {"row": 1}


async def test_a_read_sends_what_is_held_first_and_a_plain_write_does_not() -> None:
    raw = Recording()
    conn = WriteBehindConnection(cast(Driver, raw))
    conn.held.advance("g", "l", 2, None)
    conn.held.ship_daily(("g", "WH1", date(2026, 12, 4)), 1)
    await conn.execute("INSERT INTO lot_stock VALUES (1)")
    assert raw.sent == ["INSERT lot_stock"]
    await conn.fetch("SELECT 1")
    assert raw.sent == ["INSERT lot_stock", "UPDATE lots", "INSERT shipped_daily", "read"]
    await conn.fetch("SELECT 1")
    assert raw.sent[-2:] == ["read", "read"]
    assert not conn.held


async def test_a_cursor_sends_what_is_held_before_its_first_row() -> None:
    raw = Recording()
    conn = WriteBehindConnection(cast(Driver, raw))
    conn.held.advance("g", "l", 2, None)
    rows = conn.cursor("SELECT 1")
    assert raw.sent == []
    assert [row async for row in rows] == [{"row": 1}]
    assert raw.sent == ["UPDATE lots", "cursor"]
