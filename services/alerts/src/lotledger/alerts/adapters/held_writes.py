"""A consumer batch's fact writes, folded while it is applied and sent as one statement per
table (`adapters.write_behind` decides when).

They fold exactly as the statements they replace would have applied one by one:
- a batch's first receipt creates it (`lots`; a later one changes nothing), then the last
  stream version and the last status given win;
- a location's stock folds to its net change (quantity and held part); the warehouse is
  remembered (`stocked_in`, `lot_warehouses`) when any change added to it (after an
  addition the location held stock, since a valid stream never takes a location below
  zero) or the net leaves stock there;
- quantities add (shipments per consignee and per day, costed receipts); a product's
  first receipt day per warehouse is the least, its latest receipt the greatest by (day,
  expiry).

They are sent in an order that keeps the foreign key of `lot_stock` to `lots`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from lotledger.shared.db import Driver
from lotledger.shared.identifiers import warehouse_of

_RECEIVED = (
    "INSERT INTO lots (gtin, lot, expiry, status, version) "
    "SELECT * FROM unnest($1::text[], $2::text[], $3::date[], $4::text[], $5::int[]) "
    "ON CONFLICT (gtin, lot) DO NOTHING"
)
_ADVANCE = (
    "UPDATE lots l SET version = b.version, status = COALESCE(b.status, l.status) "
    "FROM unnest($1::text[], $2::text[], $3::int[], $4::text[]) AS b(gtin, lot, version, status) "
    "WHERE l.gtin = b.gtin AND l.lot = b.lot"
)
_STOCK = """
WITH d AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[],
    $6::bigint[], $7::bool[]) AS d(gtin, lot, location, warehouse, delta, held, grew)),
now AS (
    SELECT d.gtin, d.lot, d.location, d.warehouse, d.grew, COALESCE(s.qty, 0) + d.delta AS qty,
    greatest(COALESCE(s.held, 0) + d.held, 0) AS held
    FROM d LEFT JOIN lot_stock s
    ON s.gtin = d.gtin AND s.lot = d.lot AND s.location = d.location),
kept AS (
    INSERT INTO lot_stock (gtin, lot, location, warehouse, qty, held)
    SELECT gtin, lot, location, warehouse, qty, least(held, qty) FROM now WHERE qty > 0
    ON CONFLICT (gtin, lot, location) DO UPDATE SET qty = EXCLUDED.qty, held = EXCLUDED.held
    RETURNING 1),
emptied AS (
    DELETE FROM lot_stock s USING now n
    WHERE s.gtin = n.gtin AND s.lot = n.lot AND s.location = n.location AND n.qty <= 0
    RETURNING 1),
stocked AS (
    INSERT INTO stocked_in (gtin, warehouse)
    SELECT DISTINCT gtin, warehouse FROM now WHERE qty > 0 OR grew
    ON CONFLICT DO NOTHING RETURNING 1),
reached AS (
    INSERT INTO lot_warehouses (gtin, lot, warehouse)
    SELECT DISTINCT gtin, lot, warehouse FROM now WHERE qty > 0 OR grew
    ON CONFLICT DO NOTHING RETURNING 1)
SELECT 1
"""
_RECEIPTS_SEEN = """
INSERT INTO receipts_seen AS r (gtin, warehouse, first_day, latest_day, latest_expiry)
SELECT * FROM unnest($1::text[], $2::text[], $3::date[], $4::date[], $5::date[])
ON CONFLICT (gtin, warehouse) DO UPDATE SET
    first_day = least(r.first_day, EXCLUDED.first_day),
    latest_day = CASE WHEN (EXCLUDED.latest_day, EXCLUDED.latest_expiry)
        > (r.latest_day, r.latest_expiry) THEN EXCLUDED.latest_day ELSE r.latest_day END,
    latest_expiry = CASE WHEN (EXCLUDED.latest_day, EXCLUDED.latest_expiry)
        > (r.latest_day, r.latest_expiry) THEN EXCLUDED.latest_expiry ELSE r.latest_expiry END
"""
_LOT_COSTS = (
    "INSERT INTO lot_costs AS c (gtin, lot, currency, qty, total) "
    "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::numeric[]) "
    "ON CONFLICT (gtin, lot, currency) DO UPDATE "
    "SET qty = c.qty + EXCLUDED.qty, total = c.total + EXCLUDED.total"
)
_SHIPMENTS = (
    "INSERT INTO shipments AS s (gtin, lot, party, warehouse, shipped, returned) "
    "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[]) "
    "ON CONFLICT (gtin, lot, party, warehouse) DO UPDATE SET "
    "shipped = s.shipped + EXCLUDED.shipped, returned = s.returned + EXCLUDED.returned"
)
_SHIPPED_DAILY = (
    "INSERT INTO shipped_daily AS s (gtin, warehouse, day, qty) "
    "SELECT * FROM unnest($1::text[], $2::text[], $3::date[], $4::int[]) "
    "ON CONFLICT (gtin, warehouse, day) DO UPDATE SET qty = s.qty + EXCLUDED.qty"
)


@dataclass
class HeldWrites:
    received: dict[tuple[str, str], tuple[date, str, int]] = field(default_factory=dict)
    advances: dict[tuple[str, str], tuple[int, str | None]] = field(default_factory=dict)
    stock: dict[tuple[str, str, str], tuple[int, int, bool]] = field(default_factory=dict)
    receipts_seen: dict[tuple[str, str], tuple[date, date, date]] = field(default_factory=dict)
    lot_costs: dict[tuple[str, str, str], tuple[int, Decimal]] = field(default_factory=dict)
    shipments: dict[tuple[str, str, str, str], tuple[int, int]] = field(default_factory=dict)
    shipped_daily: dict[tuple[str, str, date], int] = field(default_factory=dict)

    def receive(self, gtin: str, lot: str, expiry: date, status: str, version: int) -> None:
        self.received.setdefault((gtin, lot), (expiry, status, version))

    def advance(self, gtin: str, lot: str, version: int, status: str | None) -> None:
        held = self.advances.get((gtin, lot))
        kept = status if status is not None else (held[1] if held else None)
        self.advances[(gtin, lot)] = (version, kept)

    def add_stock(self, key: tuple[str, str, str], delta: int, held: int) -> None:
        before = self.stock.get(key, (0, 0, False))
        self.stock[key] = (before[0] + delta, before[1] + held, before[2] or delta > 0)

    def see_receipt(self, key: tuple[str, str], day: date, expiry: date) -> None:
        first, latest_day, latest_expiry = self.receipts_seen.get(key, (day, day, expiry))
        latest = max((latest_day, latest_expiry), (day, expiry))
        self.receipts_seen[key] = (min(first, day), *latest)

    def cost(self, key: tuple[str, str, str], qty: int, total: Decimal) -> None:
        before = self.lot_costs.get(key, (0, Decimal(0)))
        self.lot_costs[key] = (before[0] + qty, before[1] + total)

    def ship(self, key: tuple[str, str, str, str], shipped: int, returned: int) -> None:
        before = self.shipments.get(key, (0, 0))
        self.shipments[key] = (before[0] + shipped, before[1] + returned)

    def ship_daily(self, key: tuple[str, str, date], qty: int) -> None:
        self.shipped_daily[key] = self.shipped_daily.get(key, 0) + qty

    def __bool__(self) -> bool:
        return any(
            (
                self.received,
                self.advances,
                self.stock,
                self.receipts_seen,
                self.lot_costs,
                self.shipments,
                self.shipped_daily,
            )
        )

    async def send(self, conn: Driver) -> None:
        """One statement per table holding something, rows in key order."""
        if self.received:
            await _send(conn, _RECEIVED, self.received, 2, 3)
        if self.advances:
            await _send(conn, _ADVANCE, self.advances, 2, 2)
        if self.stock:
            keys, values = zip(*sorted(self.stock.items()), strict=True)
            await conn.execute(
                _STOCK,
                *_columns(keys, 3),
                [warehouse_of(location) for _, _, location in keys],
                *_columns(values, 3),
            )
        if self.receipts_seen:
            await _send(conn, _RECEIPTS_SEEN, self.receipts_seen, 2, 3)
        if self.lot_costs:
            await _send(conn, _LOT_COSTS, self.lot_costs, 3, 2)
        if self.shipments:
            await _send(conn, _SHIPMENTS, self.shipments, 4, 2)
        if self.shipped_daily:
            keys, values = zip(*sorted(self.shipped_daily.items()), strict=True)
            await conn.execute(_SHIPPED_DAILY, *_columns(keys, 3), list(values))


async def _send(
    conn: Driver,
    statement: str,
    rows: Mapping[Any, tuple[object, ...]],
    key_width: int,
    value_width: int,
) -> None:
    keys, values = zip(*sorted(rows.items(), key=lambda row: row[0]), strict=True)
    await conn.execute(statement, *_columns(keys, key_width), *_columns(values, value_width))


def _columns(rows: Sequence[Sequence[object]], width: int) -> list[list[object]]:
    return [[row[i] for row in rows] for i in range(width)]
