"""The forecast's facts (migration 0010): costed receipts per lot, daily shipments and
disposals per local day, and each product's first and latest receipt per warehouse.

Every write is a commutative upsert (a sum, a minimum, a maximum), so the facts do not
depend on the order in which partitions are replayed. Runs on an asyncpg connection
inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from lotledger.alerts.adapters.write_behind import WriteBehindConnection
from lotledger.alerts.domain.expiry_loss import DisposedQty
from lotledger.alerts.domain.facts import LotFacts
from lotledger.alerts.domain.forecast import CostedReceipts, WarehouseHistory, lot_cost
from lotledger.alerts.domain.forecast_risk import Cost
from lotledger.shared.contracts.stock import BatchStatus
from lotledger.shared.db import Row


class ForecastFactsStore:
    def __init__(self, conn: WriteBehindConnection) -> None:
        self._conn = conn

    async def received(
        self,
        gtin: str,
        lot: str,
        warehouse: str,
        day: date,
        expiry: date,
        qty: int,
        cost: tuple[Decimal, str] | None,
    ) -> None:
        """Held back until the transaction next reads (`adapters.write_behind`)."""
        self._conn.held.see_receipt((gtin, warehouse), day, expiry)
        if cost is not None:
            amount, currency = cost
            self._conn.held.cost((gtin, lot, currency), qty, amount * qty)

    async def shipped(self, gtin: str, warehouse: str, day: date, qty: int) -> None:
        """Held back until the transaction next reads (`adapters.write_behind`)."""
        self._conn.held.ship_daily((gtin, warehouse, day), qty)

    async def disposed(
        self, gtin: str, lot: str, warehouse: str, day: date, reason: str, qty: int
    ) -> None:
        await self._conn.execute(
            "INSERT INTO disposed_daily AS d (gtin, lot, warehouse, day, reason, qty) "
            "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (gtin, lot, warehouse, day, reason) "
            "DO UPDATE SET qty = d.qty + EXCLUDED.qty",
            gtin,
            lot,
            warehouse,
            day,
            reason,
            qty,
        )

    async def products_in(self, warehouses: Iterable[str]) -> list[str]:
        """Every product ever stocked or received in `warehouses`."""
        rows = await self._conn.fetch(
            "SELECT gtin FROM stocked_in WHERE warehouse = ANY($1::text[]) UNION "
            "SELECT gtin FROM receipts_seen WHERE warehouse = ANY($1::text[]) ORDER BY 1",
            sorted(set(warehouses)),
        )
        return [r["gtin"] for r in rows]

    async def stock_in(self, gtins: Iterable[str], warehouses: Iterable[str]) -> list[LotFacts]:
        """The lots of `gtins` with stock in `warehouses`, with only that stock."""
        rows = await self._conn.fetch(
            "SELECT l.gtin, l.lot, l.expiry, l.status, s.location, s.qty, s.held "
            "FROM lot_stock s JOIN lots l ON l.gtin = s.gtin AND l.lot = s.lot "
            "WHERE s.gtin = ANY($1::text[]) AND s.warehouse = ANY($2::text[]) "
            "ORDER BY l.gtin, l.lot, s.location",
            sorted(set(gtins)),
            sorted(set(warehouses)),
        )
        lots: dict[tuple[str, str], tuple[Row, dict[str, int], dict[str, int]]] = {}
        for row in rows:
            _, on_hand, held = lots.setdefault((row["gtin"], row["lot"]), (row, {}, {}))
            on_hand[row["location"]] = row["qty"]
            if row["held"]:
                held[row["location"]] = row["held"]
        return [
            LotFacts(gtin, lot, row["expiry"], BatchStatus(row["status"]), on_hand, held)
            for (gtin, lot), (row, on_hand, held) in lots.items()
        ]

    async def histories(
        self, gtins: Iterable[str], since: date
    ) -> dict[str, dict[str, WarehouseHistory]]:
        """gtin → warehouse → history, with daily shipments from `since` on."""
        wanted = sorted(set(gtins))
        seen = await self._conn.fetch(
            "SELECT gtin, warehouse, first_day, latest_day, latest_expiry FROM receipts_seen "
            "WHERE gtin = ANY($1::text[])",
            wanted,
        )
        shipped = await self._conn.fetch(
            "SELECT gtin, warehouse, day, qty FROM shipped_daily "
            "WHERE gtin = ANY($1::text[]) AND day >= $2",
            wanted,
            since,
        )
        daily: dict[tuple[str, str], dict[date, int]] = {}
        for row in shipped:
            daily.setdefault((row["gtin"], row["warehouse"]), {})[row["day"]] = row["qty"]
        out: dict[str, dict[str, WarehouseHistory]] = {}
        for row in seen:
            key = (row["gtin"], row["warehouse"])
            out.setdefault(row["gtin"], {})[row["warehouse"]] = WarehouseHistory(
                row["warehouse"],
                row["first_day"],
                (row["latest_expiry"] - row["latest_day"]).days,
                daily.get(key, {}),
            )
        return out

    async def costs(self, gtins: Iterable[str]) -> dict[str, dict[str, Cost]]:
        """gtin → lot → cost, for lots with a costed receipt."""
        rows = await self._conn.fetch(
            "SELECT gtin, lot, currency, qty, total FROM lot_costs WHERE gtin = ANY($1::text[])",
            sorted(set(gtins)),
        )
        receipts: dict[tuple[str, str], list[CostedReceipts]] = {}
        for row in rows:
            receipts.setdefault((row["gtin"], row["lot"]), []).append(
                CostedReceipts(row["currency"], row["qty"], row["total"])
            )
        out: dict[str, dict[str, Cost]] = {}
        for (gtin, lot), costed in receipts.items():
            cost = lot_cost(costed)
            if cost is not None:
                out.setdefault(gtin, {})[lot] = cost
        return out

    async def warehouses(self) -> list[str]:
        rows = await self._conn.fetch(
            "SELECT warehouse FROM stocked_in UNION SELECT warehouse FROM receipts_seen ORDER BY 1"
        )
        return [r["warehouse"] for r in rows]

    async def disposals(
        self, warehouses: Iterable[str], start: date, end: date, reasons: Iterable[str]
    ) -> list[DisposedQty]:
        """Disposals for `reasons` on local days in [start, end], by lot, warehouse and
        month (`YYYY-MM`)."""
        rows = await self._conn.fetch(
            "SELECT gtin, lot, warehouse, to_char(day, 'YYYY-MM') AS month, "
            "sum(qty)::bigint AS qty FROM disposed_daily "
            "WHERE day BETWEEN $1 AND $2 AND reason = ANY($3::text[]) "
            "AND warehouse = ANY($4::text[]) GROUP BY 1, 2, 3, 4",
            start,
            end,
            sorted(set(reasons)),
            sorted(set(warehouses)),
        )
        return [
            DisposedQty(r["gtin"], r["lot"], r["warehouse"], r["month"], r["qty"]) for r in rows
        ]
