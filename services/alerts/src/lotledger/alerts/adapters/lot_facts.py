"""Batches as the rules see them: expiry, status, stock per location, and where the
product and the batch have been stocked (shipments and recalls: `recall_facts`).

Runs on an asyncpg connection inside the caller's transaction. `lots.version` is the
stream version of the last stock event applied to the batch, so a redelivered or
replayed event (version not above it) is recognised and skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from lotledger.alerts.adapters.write_behind import WriteBehindConnection
from lotledger.alerts.domain.facts import LotFacts
from lotledger.shared.contracts.stock import BatchStatus
from lotledger.shared.db import Row, json_value
from lotledger.shared.identifiers import warehouse_of

_LOTS = (
    "SELECT l.gtin, l.lot, l.expiry, l.status, "
    "COALESCE((SELECT jsonb_object_agg(s.location, s.qty) FROM lot_stock s "
    "WHERE s.gtin = l.gtin AND s.lot = l.lot), '{}'::jsonb)::text AS on_hand, "
    "COALESCE((SELECT jsonb_object_agg(s.location, s.held) FROM lot_stock s "
    "WHERE s.gtin = l.gtin AND s.lot = l.lot AND s.held > 0), '{}'::jsonb)::text AS held "
    "FROM lots l "
)

_EARLIER_AVAILABLE = (
    f"{_LOTS}WHERE l.gtin = $1 AND l.lot = $2 UNION ALL ({_LOTS}WHERE l.gtin = $1 "  # noqa: S608
    "AND l.status = 'available' AND l.lot <> $2 "
    "AND l.expiry < (SELECT p.expiry FROM lots p WHERE p.gtin = $1 AND p.lot = $2) "
    "AND EXISTS (SELECT 1 FROM lot_stock s WHERE s.gtin = l.gtin AND s.lot = l.lot "
    "AND s.warehouse = $3) ORDER BY l.expiry, l.lot LIMIT $4)"
)

_ADD = """
WITH now AS (
    SELECT COALESCE(s.qty, 0) + $5 AS qty, greatest(COALESCE(s.held, 0) + $6, 0) AS held
    FROM (SELECT 1) one LEFT JOIN lot_stock s ON s.gtin = $1 AND s.lot = $2 AND s.location = $3),
kept AS (
    INSERT INTO lot_stock (gtin, lot, location, warehouse, qty, held)
    SELECT $1, $2, $3, $4, qty, least(held, qty) FROM now WHERE qty > 0
    ON CONFLICT (gtin, lot, location) DO UPDATE SET qty = EXCLUDED.qty, held = EXCLUDED.held
    RETURNING 1),
emptied AS (
    DELETE FROM lot_stock WHERE gtin = $1 AND lot = $2 AND location = $3
    AND (SELECT qty FROM now) <= 0 RETURNING 1),
stocked AS (
    INSERT INTO stocked_in (gtin, warehouse) SELECT $1, $4 FROM now WHERE qty > 0
    ON CONFLICT DO NOTHING RETURNING 1),
held AS (
    INSERT INTO lot_warehouses (gtin, lot, warehouse) SELECT $1, $2, $4 FROM now WHERE qty > 0
    ON CONFLICT DO NOTHING RETURNING 1)
SELECT 1
"""
"""One round trip: the new quantity (and the part of it held: not available), kept or
removed, and the warehouse remembered as one that stocks the product and one the batch
was in."""


def _lot(row: Row) -> LotFacts:
    on_hand = {loc: int(qty) for loc, qty in json_value(row["on_hand"]).items()}
    held = {loc: int(qty) for loc, qty in json_value(row["held"]).items()}
    status = BatchStatus(row["status"])
    return LotFacts(row["gtin"], row["lot"], row["expiry"], status, on_hand, held)


class LotFactsStore:
    """Stores live for one transaction; the batches' stream versions it has read or
    written are kept for the rest of it (`prefetch_versions` reads a batch's at once)."""

    def __init__(self, conn: WriteBehindConnection) -> None:
        self._conn = conn
        self._versions: dict[tuple[str, str], int | None] = {}

    async def prefetch_versions(self, batches: Iterable[tuple[str, str]]) -> None:
        wanted = sorted(set(batches) - self._versions.keys())
        if not wanted:
            return
        rows = await self._conn.fetch(
            "SELECT l.gtin, l.lot, l.version FROM lots l JOIN unnest($1::text[], $2::text[]) "
            "AS b(gtin, lot) ON l.gtin = b.gtin AND l.lot = b.lot",
            [g for g, _ in wanted],
            [lot for _, lot in wanted],
        )
        self._versions.update(dict.fromkeys(wanted))
        self._versions.update({(r["gtin"], r["lot"]): int(r["version"]) for r in rows})

    async def version(self, gtin: str, lot: str) -> int | None:
        if (gtin, lot) not in self._versions:
            value = await self._conn.fetchval(
                "SELECT version FROM lots WHERE gtin = $1 AND lot = $2", gtin, lot
            )
            self._versions[(gtin, lot)] = None if value is None else int(value)
        return self._versions[(gtin, lot)]

    async def received(
        self, gtin: str, lot: str, expiry: date, status: BatchStatus, version: int
    ) -> None:
        """Create the batch on its first receipt; the expiry is fixed by that receipt."""
        await self._conn.execute(
            "INSERT INTO lots (gtin, lot, expiry, status, version) VALUES ($1, $2, $3, $4, $5) "
            "ON CONFLICT (gtin, lot) DO NOTHING",
            gtin,
            lot,
            expiry,
            status.value,
            version,
        )

    async def advance(
        self, gtin: str, lot: str, version: int, status: BatchStatus | None = None
    ) -> None:
        """Held back until the transaction next reads (`adapters.write_behind`)."""
        self._versions[(gtin, lot)] = version
        self._conn.held.advance(gtin, lot, version, status.value if status else None)

    async def add(
        self, gtin: str, lot: str, location: str, delta: int, held_delta: int = 0
    ) -> None:
        """Change the quantity at a location (and the part of it held); a location
        reaching zero is removed. A warehouse receiving stock is remembered for good: as
        one that stocks the product and as one the batch was in (the warehouses its
        recall concerns)."""
        await self._conn.execute(
            _ADD, gtin, lot, location, warehouse_of(location), delta, held_delta
        )

    async def lots_of(self, including: Mapping[str, Iterable[str]]) -> dict[str, list[LotFacts]]:
        """Each product's lots with stock on hand, plus the lots named for it whatever
        their stock (a lot just emptied must be seen to lose its alerts); every product
        asked for has an entry."""
        named = sorted({(gtin, lot) for gtin, lots in including.items() for lot in lots})
        rows = await self._conn.fetch(
            _LOTS  # noqa: S608 (constants only)
            + "WHERE l.gtin = ANY($1::text[]) AND ((l.gtin, l.lot) IN (SELECT * FROM "
            "unnest($2::text[], $3::text[])) OR EXISTS (SELECT 1 FROM lot_stock s "
            "WHERE s.gtin = l.gtin AND s.lot = l.lot)) ORDER BY l.gtin, l.lot",
            sorted(including),
            [gtin for gtin, _ in named],
            [lot for _, lot in named],
        )
        out: dict[str, list[LotFacts]] = {gtin: [] for gtin in including}
        for r in rows:
            out[r["gtin"]].append(_lot(r))
        return out

    async def earlier_available(
        self, gtin: str, lot: str, warehouse: str, limit: int
    ) -> list[LotFacts]:
        """The lot and at most `limit` available lots of its product expiring before it
        with stock in `warehouse`, earliest first (an index range, however many lots the
        product has)."""
        rows = await self._conn.fetch(
            _EARLIER_AVAILABLE,
            gtin,
            lot,
            warehouse,
            limit,
        )
        return [_lot(r) for r in rows]

    async def lots(self, batches: list[tuple[str, str]]) -> list[LotFacts]:
        rows = await self._conn.fetch(
            _LOTS + "JOIN unnest($1::text[], $2::text[]) AS b(gtin, lot) "
            "ON l.gtin = b.gtin AND l.lot = b.lot ORDER BY l.gtin, l.lot",
            [g for g, _ in batches],
            [lot for _, lot in batches],
        )
        return [_lot(r) for r in rows]

    async def stocked_in(self, gtins: Iterable[str]) -> dict[str, list[str]]:
        """The warehouses each product was ever stocked in; every product asked for has
        an entry."""
        wanted = sorted(set(gtins))
        rows = await self._conn.fetch(
            "SELECT gtin, warehouse FROM stocked_in WHERE gtin = ANY($1::text[]) "
            "ORDER BY gtin, warehouse",
            wanted,
        )
        out: dict[str, list[str]] = {gtin: [] for gtin in wanted}
        for r in rows:
            out[r["gtin"]].append(r["warehouse"])
        return out

    async def batches_on_hand(self) -> list[tuple[str, str]]:
        rows = await self._conn.fetch("SELECT DISTINCT gtin, lot FROM lot_stock ORDER BY 1, 2")
        return [(r["gtin"], r["lot"]) for r in rows]

    async def stocked_products(self) -> list[str]:
        rows = await self._conn.fetch("SELECT DISTINCT gtin FROM stocked_in ORDER BY gtin")
        return [r["gtin"] for r in rows]
