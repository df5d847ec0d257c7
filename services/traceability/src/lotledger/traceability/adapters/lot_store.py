"""Lots, history, parties and residence as the projection reads and writes them, on the
asyncpg connection of the projection's transaction: one bulk statement per table per
batch (`unnest` of column arrays), never one round trip per event."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lotledger.shared.contracts.stock import BatchStatus
from lotledger.shared.db import json_param
from lotledger.traceability.domain.lots import LotState
from lotledger.traceability.domain.reconciliation import Totals
from lotledger.traceability.domain.residence import Interval
from lotledger.traceability.service.lot_batch import LotBatch, LotKey, PartyRow

_RECEIPTS = (
    "INSERT INTO receipts (gtin, lot, version, kind, party, qty, at, location, warehouse, "
    "reference) SELECT g, l, v, k, p, q, a, lc, split_part(lc, '/', 1), r FROM unnest("
    "$1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::int[], $7::timestamptz[], "
    "$8::text[], $9::text[], $10::text[]) AS u(g, l, v, k, p, q, a, lc, r, c) "
    "ON CONFLICT DO NOTHING"
)
_SHIPMENTS = (
    "INSERT INTO shipments (gtin, lot, version, consignee, qty, at, location, warehouse, "
    "order_ref, channel) SELECT g, l, v, p, q, a, lc, split_part(lc, '/', 1), r, c FROM unnest("
    "$1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::int[], $7::timestamptz[], "
    "$8::text[], $9::text[], $10::text[]) AS u(g, l, v, k, p, q, a, lc, r, c) "
    "ON CONFLICT DO NOTHING"
)


class LotStore:
    def __init__(self, conn: Any) -> None:
        self._conn = conn

    async def load(self, keys: Sequence[LotKey]) -> LotBatch:
        """A batch primed with the stored state and open intervals of `keys`."""
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
        batch = LotBatch(states={(r["gtin"], r["lot"]): _state(r) for r in rows}, open={})
        for r in intervals:
            interval = Interval(
                r["gtin"], r["lot"], r["location"], r["qty"], r["start_at"], None, r["version"]
            )
            batch.open.setdefault((r["gtin"], r["lot"]), {})[r["location"]] = interval
        return batch

    async def write(self, batch: LotBatch) -> None:
        await self._history(batch)
        await self._parties(_RECEIPTS, batch.receipts)
        await self._parties(_SHIPMENTS, batch.shipments)
        await self._residence(batch)
        await self._lots(batch)

    async def _history(self, batch: LotBatch) -> None:
        rows = batch.history
        if not rows:
            return
        await self._conn.execute(
            "INSERT INTO history (gtin, lot, version, event_id, type, source, time, at, actor, "
            "device, correlation_id, causation_id, prev_hash, hash, locations, data, extensions) "
            "SELECT g, l, v, i, t, s, tm, a, ac, dv, co, ca, ph, h, string_to_array(lc, ' '), "
            "CAST(d AS jsonb), CAST(x AS jsonb) FROM unnest($1::text[], $2::text[], $3::int[], "
            "$4::uuid[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[], "
            "$9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], "
            "$15::text[], $16::text[], $17::text[]) "
            "AS u(g, l, v, i, t, s, tm, a, ac, dv, co, ca, ph, h, lc, d, x) "
            "ON CONFLICT DO NOTHING",
            [r.gtin for r in rows],
            [r.lot for r in rows],
            [r.version for r in rows],
            [r.event_id for r in rows],
            [r.type for r in rows],
            [r.source for r in rows],
            [r.time for r in rows],
            [r.at for r in rows],
            [r.actor for r in rows],
            [r.device for r in rows],
            [r.correlation_id for r in rows],
            [r.causation_id for r in rows],
            [r.prev_hash for r in rows],
            [r.hash for r in rows],
            [" ".join(r.locations) for r in rows],
            [json_param(r.data) for r in rows],
            [None if r.extensions is None else json_param(r.extensions) for r in rows],
        )

    async def _parties(self, statement: str, rows: Sequence[PartyRow]) -> None:
        if not rows:
            return
        await self._conn.execute(
            statement,
            [r.gtin for r in rows],
            [r.lot for r in rows],
            [r.version for r in rows],
            [r.kind for r in rows],
            [r.party for r in rows],
            [r.qty for r in rows],
            [r.at for r in rows],
            [r.location for r in rows],
            [r.reference for r in rows],
            [r.channel for r in rows],
        )

    async def _residence(self, batch: LotBatch) -> None:
        closed = list(batch.closed.values())
        if closed:
            await self._conn.execute(
                "UPDATE residence r SET end_at = u.e FROM unnest($1::text[], $2::text[], "
                "$3::text[], $4::int[], $5::timestamptz[]) AS u(g, l, lc, v, e) "
                "WHERE (r.gtin, r.lot, r.location, r.version) = (u.g, u.l, u.lc, u.v)",
                [i.gtin for i in closed],
                [i.lot for i in closed],
                [i.location for i in closed],
                [i.version for i in closed],
                [i.end for i in closed],
            )
        opened = list(batch.opened.values())
        if opened:
            await self._conn.execute(
                "INSERT INTO residence (gtin, lot, location, version, warehouse, qty, start_at, "
                "end_at) SELECT g, l, lc, v, split_part(lc, '/', 1), q, s, e FROM unnest("
                "$1::text[], $2::text[], $3::text[], $4::int[], $5::int[], $6::timestamptz[], "
                "$7::timestamptz[]) AS u(g, l, lc, v, q, s, e) ON CONFLICT DO NOTHING",
                [i.gtin for i in opened],
                [i.lot for i in opened],
                [i.location for i in opened],
                [i.version for i in opened],
                [i.qty for i in opened],
                [i.start for i in opened],
                [i.end for i in opened],
            )

    async def _lots(self, batch: LotBatch) -> None:
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
            [batch.on_hand((s.gtin, s.lot)) for s in states],
            [" ".join(sorted(s.warehouses)) for s in states],
        )


def _state(row: Any) -> LotState:
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
