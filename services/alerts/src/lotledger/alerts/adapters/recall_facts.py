"""What a recall alert needs: recalls, and what each consignee was shipped from, or
returned into, each warehouse of a batch. Runs on an asyncpg connection inside the
caller's transaction; the warehouses a batch was ever in are kept by `lot_facts`."""

from __future__ import annotations

from datetime import datetime

from lotledger.alerts.adapters.write_behind import WriteBehindConnection
from lotledger.alerts.domain.facts import RecallFacts, Shipment
from lotledger.shared.contracts.stock import RecallClass


class RecallFactsStore:
    def __init__(self, conn: WriteBehindConnection) -> None:
        self._conn = conn

    async def shipped(
        self, gtin: str, lot: str, party: str, warehouse: str, qty: int, returned: int
    ) -> None:
        """Add to what `party` was shipped from, or returned into, `warehouse` (held back
        until the transaction next reads, `adapters.write_behind`)."""
        self._conn.held.ship((gtin, lot, party, warehouse), qty, returned)

    async def recalled(
        self,
        gtin: str,
        lot: str,
        recall_id: str,
        recall_class: RecallClass,
        reason: str,
        at: datetime,
    ) -> None:
        await self._conn.execute(
            "INSERT INTO recalls (gtin, lot, recall_id, recall_class, reason, recalled_at) "
            "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (gtin, lot) DO UPDATE SET "
            "recall_id = EXCLUDED.recall_id, recall_class = EXCLUDED.recall_class, "
            "reason = EXCLUDED.reason, recalled_at = EXCLUDED.recalled_at",
            gtin,
            lot,
            recall_id,
            recall_class.value,
            reason,
            at,
        )

    async def recalled_among(self, batches: list[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which of `batches` (gtin, lot) have been recalled."""
        rows = await self._conn.fetch(
            "SELECT r.gtin, r.lot FROM recalls r JOIN unnest($1::text[], $2::text[]) "
            "AS b(gtin, lot) ON r.gtin = b.gtin AND r.lot = b.lot",
            [g for g, _ in batches],
            [lot for _, lot in batches],
        )
        return {(r["gtin"], r["lot"]) for r in rows}

    async def recall(self, gtin: str, lot: str) -> RecallFacts | None:
        row = await self._conn.fetchrow(
            "SELECT recall_id, recall_class, reason, recalled_at FROM recalls "
            "WHERE gtin = $1 AND lot = $2",
            gtin,
            lot,
        )
        if row is None:
            return None
        shipments = await self._conn.fetch(
            "SELECT party, warehouse, shipped, returned FROM shipments "
            "WHERE gtin = $1 AND lot = $2 ORDER BY party, warehouse",
            gtin,
            lot,
        )
        held = await self._conn.fetch(
            "SELECT warehouse FROM lot_warehouses WHERE gtin = $1 AND lot = $2", gtin, lot
        )
        return RecallFacts(
            gtin,
            lot,
            row["recall_id"],
            RecallClass(row["recall_class"]),
            row["reason"],
            row["recalled_at"],
            shipments=tuple(
                Shipment(r["party"], r["warehouse"], int(r["shipped"]), int(r["returned"]))
                for r in shipments
            ),
            warehouses=frozenset(r["warehouse"] for r in held),
        )

    async def recalled_batches(self) -> list[tuple[str, str]]:
        rows = await self._conn.fetch("SELECT gtin, lot FROM recalls ORDER BY gtin, lot")
        return [(r["gtin"], r["lot"]) for r in rows]
