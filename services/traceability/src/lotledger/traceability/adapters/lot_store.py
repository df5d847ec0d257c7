"""Lots, history, parties and residence as the projection reads and writes them, on the
asyncpg connection of the projection's transaction: one bulk statement per table per
batch, never one round trip per event.

New rows go in by binary COPY: a history, party or residence row is keyed by the stream
version that created it, and the batch only holds versions above the lot's stored one,
so a new row can never collide with a stored one (they commit together). A lot the batch
marks for a rewrite (an event stamped before its latest) has its residence and stays
deleted and recomputed from its whole history, after the batch's history rows are in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import fields
from operator import attrgetter
from typing import TYPE_CHECKING

from lotledger.shared.contracts.stock import BatchStatus
from lotledger.shared.db import Driver, Row
from lotledger.shared.identifiers import warehouse_of
from lotledger.traceability.adapters.lot_rows import LotRows
from lotledger.traceability.adapters.residence_rewrite import rewrite_lot
from lotledger.traceability.adapters.rows import HistoryRow, ReceiptRow, ShipmentRow, StayRow
from lotledger.traceability.domain.lots import LotKey, LotState
from lotledger.traceability.domain.reconciliation import Totals
from lotledger.traceability.domain.residence import Interval

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


CopyShape = tuple[tuple[str, ...], Callable[[object], tuple[object, ...]]]


def _columns(row_type: type[DataclassInstance]) -> tuple[str, ...]:
    return tuple(f.name for f in fields(row_type))


def _copy_shape(row_type: type[DataclassInstance]) -> CopyShape:
    """A row dataclass's columns and a fast getter of its values in that order."""
    columns = _columns(row_type)
    return columns, attrgetter(*columns)


HISTORY = _copy_shape(HistoryRow)
RECEIPTS = _copy_shape(ReceiptRow)
SHIPMENTS = _copy_shape(ShipmentRow)
STAYS = _copy_shape(StayRow)
RESIDENCE_COLUMNS = ("gtin", "lot", "location", "version", "warehouse", "qty", "start_at", "end_at")


class LotStore:
    def __init__(self, conn: Driver) -> None:
        self._conn = conn

    async def load(
        self, keys: Sequence[LotKey]
    ) -> tuple[dict[LotKey, LotState], dict[LotKey, dict[str, Interval]]]:
        """The stored states and open intervals (by location) of `keys`."""
        gtins, lots = [k[0] for k in keys], [k[1] for k in keys]
        rows = await self._conn.fetch(
            "SELECT * FROM lots WHERE (gtin, lot) IN "
            "(SELECT * FROM unnest($1::text[], $2::text[]))",
            gtins,
            lots,
        )
        intervals = await self._conn.fetch(
            "SELECT gtin, lot, location, version, qty, start_at FROM residence "
            "WHERE (gtin, lot) IN (SELECT * FROM unnest($1::text[], $2::text[])) "
            "AND end_at IS NULL",
            gtins,
            lots,
        )
        states = {(r["gtin"], r["lot"]): _state(r) for r in rows}
        open_: dict[LotKey, dict[str, Interval]] = {}
        for r in intervals:
            interval = Interval(
                r["gtin"], r["lot"], r["location"], r["qty"], r["start_at"], None, r["version"]
            )
            open_.setdefault((r["gtin"], r["lot"]), {})[r["location"]] = interval
        return states, open_

    async def write(self, batch: LotRows) -> None:
        await self._copy("history", HISTORY, batch.history)
        await self._copy("receipts", RECEIPTS, batch.receipts)
        await self._copy("shipments", SHIPMENTS, batch.shipments)
        await self._residence(batch)
        await self._stays(batch)
        on_hand = {key: await rewrite_lot(self._conn, key) for key in sorted(batch.rewrites)}
        await self._lots(batch, on_hand)

    async def _copy(
        self,
        table: str,
        shape: CopyShape,
        rows: Sequence[object],
    ) -> None:
        columns, values = shape
        if rows:
            await self._conn.copy_records_to_table(
                table, columns=columns, records=[values(r) for r in rows]
            )

    async def _residence(self, batch: LotRows) -> None:
        closed = list(batch.closed.values())
        if closed:
            await self._conn.execute(
                "UPDATE residence r SET end_at = u.e FROM unnest($1::text[], $2::text[], "
                "$3::text[], $4::int[], $5::timestamptz[], $6::timestamptz[]) "
                "AS u(g, l, lc, v, e, s) WHERE (r.gtin, r.lot, r.location, r.start_at, r.version) "
                "= (u.g, u.l, u.lc, u.s, u.v)",
                [i.gtin for i in closed],
                [i.lot for i in closed],
                [i.location for i in closed],
                [i.version for i in closed],
                [i.end for i in closed],
                [i.start for i in closed],
            )
        if batch.opened:
            await self._conn.copy_records_to_table(
                "residence",
                columns=RESIDENCE_COLUMNS,
                records=[
                    (
                        i.gtin,
                        i.lot,
                        i.location,
                        i.version,
                        warehouse_of(i.location),
                        i.qty,
                        i.start,
                        i.end,
                    )
                    for i in batch.opened.values()
                ],
            )

    async def _stays(self, batch: LotRows) -> None:
        ended = batch.stays_ended
        if ended:
            await self._conn.execute(
                "UPDATE stays s SET end_at = u.e FROM unnest($1::text[], $2::text[], $3::text[], "
                "$4::timestamptz[]) AS u(g, l, lc, e) WHERE (s.gtin, s.lot, s.location) = "
                "(u.g, u.l, u.lc) AND s.end_at IS NULL",
                [k[0] for k in ended],
                [k[1] for k in ended],
                [k[2] for k in ended],
                list(ended.values()),
            )
        await self._copy("stays", STAYS, batch.new_stays())

    async def _lots(self, batch: LotRows, rewritten: dict[LotKey, int]) -> None:
        states = [batch.states[k] for k in sorted(batch.touched)]
        if not states:
            return
        t = [s.totals for s in states]
        await self._conn.execute(
            "INSERT INTO lots (gtin, lot, expiry, manufactured, status, version, head_hash, "
            "first_at, last_at, received, shipped, disposed, returned, adjustments, "
            "count_variances, on_hand, warehouses) SELECT g, l, e, m, s, v, h, f, la, r, sh, d, "
            "rt, ad, cv, oh, string_to_array(w, ' ') FROM unnest($1::text[], $2::text[], "
            "$3::date[], $4::date[], $5::text[], $6::int[], $7::text[], $8::timestamptz[], "
            "$9::timestamptz[], $10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[], "
            "$14::bigint[], $15::bigint[], $16::bigint[], $17::text[]) "
            "AS u(g, l, e, m, s, v, h, f, la, r, sh, d, rt, ad, cv, oh, w) "
            "ON CONFLICT (gtin, lot) DO UPDATE SET expiry = EXCLUDED.expiry, "
            "manufactured = EXCLUDED.manufactured, status = EXCLUDED.status, "
            "version = EXCLUDED.version, head_hash = EXCLUDED.head_hash, "
            "first_at = EXCLUDED.first_at, last_at = EXCLUDED.last_at, "
            "received = EXCLUDED.received, shipped = EXCLUDED.shipped, "
            "disposed = EXCLUDED.disposed, returned = EXCLUDED.returned, "
            "adjustments = EXCLUDED.adjustments, count_variances = EXCLUDED.count_variances, "
            "on_hand = EXCLUDED.on_hand, warehouses = EXCLUDED.warehouses, updated_at = now()",
            [s.gtin for s in states],
            [s.lot for s in states],
            [s.expiry for s in states],
            [s.manufactured for s in states],
            [None if s.status is None else s.status.value for s in states],
            [s.version for s in states],
            [s.head_hash for s in states],
            [s.first_at for s in states],
            [s.last_at for s in states],
            [x.received for x in t],
            [x.shipped for x in t],
            [x.disposed for x in t],
            [x.returned for x in t],
            [x.adjustments for x in t],
            [x.count_variances for x in t],
            [rewritten.get((s.gtin, s.lot), batch.on_hand((s.gtin, s.lot))) for s in states],
            [" ".join(sorted(s.warehouses)) for s in states],
        )


def _residence_row(i: Interval) -> tuple[object, ...]:
    return (i.gtin, i.lot, i.location, i.version, warehouse_of(i.location), i.qty, i.start, i.end)


def _state(row: Row) -> LotState:
    return LotState(
        gtin=row["gtin"],
        lot=row["lot"],
        expiry=row["expiry"],
        manufactured=row["manufactured"],
        status=None if row["status"] is None else BatchStatus(row["status"]),
        version=row["version"],
        head_hash=row["head_hash"],
        first_at=row["first_at"],
        last_at=row["last_at"],
        totals=Totals(
            row["received"],
            row["shipped"],
            row["disposed"],
            row["returned"],
            row["adjustments"],
            row["count_variances"],
        ),
        warehouses=frozenset(row["warehouses"]),
    )
