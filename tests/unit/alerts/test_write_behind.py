"""Held fact writes fold exactly as the statements they replace would have applied one by
one: the last version and the last status given win, quantities add; and whatever reads
sends them first."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, cast

from lotledger.alerts.adapters.held_writes import HeldWrites
from lotledger.alerts.adapters.write_behind import WriteBehindConnection
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


def test_the_first_receipt_creates_the_batch() -> None:
    held = HeldWrites()
    held.receive("g", "l", date(2028, 1, 31), "quarantined", 1)
    held.receive("g", "l", date(2029, 1, 31), "available", 4)
    assert held.received == {("g", "l"): (date(2028, 1, 31), "quarantined", 1)}


def test_stock_folds_to_its_net_change_remembering_that_it_grew() -> None:
    held = HeldWrites()
    held.add_stock(("g", "l", "WH1/A"), 10, 0)
    held.add_stock(("g", "l", "WH1/A"), -10, 0)
    held.add_stock(("g", "l", "WH2/B"), -3, 2)
    held.add_stock(("g", "l", "WH2/B"), 0, -1)
    assert held.stock == {("g", "l", "WH1/A"): (0, 0, True), ("g", "l", "WH2/B"): (-3, 1, False)}


def test_receipts_seen_keep_the_first_day_and_the_latest_day_and_expiry() -> None:
    held = HeldWrites()
    held.see_receipt(("g", "WH1"), date(2026, 12, 4), date(2028, 1, 31))
    held.see_receipt(("g", "WH1"), date(2026, 12, 2), date(2029, 1, 31))
    held.see_receipt(("g", "WH1"), date(2026, 12, 4), date(2027, 6, 30))
    assert held.receipts_seen == {
        ("g", "WH1"): (date(2026, 12, 2), date(2026, 12, 4), date(2028, 1, 31))
    }


def test_costed_receipts_add() -> None:
    held = HeldWrites()
    held.cost(("g", "l", "EUR"), 10, Decimal("12.50"))
    held.cost(("g", "l", "EUR"), 5, Decimal("6.25"))
    assert held.lot_costs == {("g", "l", "EUR"): (15, Decimal("18.75"))}


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
    conn.held.ship_daily(("g", "WH1", date(2026, 12, 4)), 1)
    conn.held.add_stock(("g", "l", "WH1/A"), 5, 0)
    conn.held.advance("g", "l", 2, None)
    conn.held.receive("g", "l", date(2028, 1, 31), "available", 1)
    await conn.execute("INSERT INTO disposed_daily VALUES (1)")
    assert raw.sent == ["INSERT disposed_daily"]
    await conn.fetch("SELECT 1")
    assert raw.sent == [
        "INSERT disposed_daily",
        "INSERT lots",
        "UPDATE lots",
        "WITH d",
        "INSERT shipped_daily",
        "read",
    ]
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
