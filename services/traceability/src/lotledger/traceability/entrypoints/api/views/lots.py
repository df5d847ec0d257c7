"""A lot as one token may see it: the lot itself if it was ever in one of the token's
warehouses (403 otherwise, 404 when unknown); its balances only at those warehouses.
Lot-wide figures (status, totals, reconciliation) are shown whole."""

from __future__ import annotations

from lotledger.shared.auth import Forbidden, Principal
from lotledger.shared.contracts.stock import BatchStatus
from lotledger.shared.db import Driver, Row
from lotledger.shared.identifiers import warehouse_of
from lotledger.traceability.adapters.queries import lots as q
from lotledger.traceability.adapters.queries.lots import LotRecord
from lotledger.traceability.domain.errors import UnknownLot
from lotledger.traceability.domain.reconciliation import Totals, reconcile
from lotledger.traceability.entrypoints.api.schemas.lots import (
    BalanceView,
    ConsigneeLot,
    LotEntry,
    LotSummary,
    ReconciliationView,
)


async def visible_lot(conn: Driver, who: Principal, gtin: str, lot: str) -> LotRecord:
    row = await q.lot(conn, gtin, lot)
    if row is None:
        raise UnknownLot(f"lot {gtin}/{lot} is unknown", gtin=gtin, lot=lot)
    if not who.all_warehouses and who.warehouses.isdisjoint(row.warehouses):
        raise Forbidden(f"lot {gtin}/{lot} has never been in the token's warehouses")
    return row


def sees_event(who: Principal, locations: list[str]) -> bool:
    """Whether a token sees a lot's event: lot-wide ones (no location) always, others when
    one of their locations is in its warehouses."""
    return (
        who.all_warehouses
        or not locations
        or any(who.may_access(warehouse_of(loc)) for loc in locations)
    )


def status_of(value: str | None) -> BatchStatus | None:
    return None if value is None else BatchStatus(value)


def lot_entry(row: LotRecord) -> LotEntry:
    return LotEntry(
        gtin=row.gtin,
        lot=row.lot,
        expiry=row.expiry,
        status=status_of(row.status),
        on_hand=row.on_hand,
        version=row.version,
        first_at=row.first_at,
        last_at=row.last_at,
        warehouses=sorted(row.warehouses),
    )


def totals_of(row: LotRecord) -> Totals:
    return Totals(
        received=row.received,
        shipped=row.shipped,
        disposed=row.disposed,
        returned=row.returned,
        adjustments=row.adjustments,
        count_variances=row.count_variances,
    )


async def visible_balances(conn: Driver, who: Principal, gtin: str, lot: str) -> list[BalanceView]:
    return [
        BalanceView(location=b.location, warehouse=b.warehouse, qty=b.qty, since=b.since)
        for b in await q.balances(conn, gtin, lot)
        if who.may_access(b.warehouse)
    ]


async def summary(conn: Driver, who: Principal, row: LotRecord) -> LotSummary:
    gtin, lot = row.gtin, row.lot
    all_balances = await q.balances(conn, gtin, lot)
    result = reconcile(totals_of(row), sum(b.qty for b in all_balances))
    t = result.totals
    return LotSummary(
        gtin=gtin,
        lot=lot,
        expiry=row.expiry,
        manufactured=row.manufactured,
        status=status_of(row.status),
        version=row.version,
        head_hash=row.head_hash,
        first_at=row.first_at,
        last_at=row.last_at,
        warehouses=sorted(row.warehouses),
        on_hand=row.on_hand,
        balances=[
            BalanceView(location=b.location, warehouse=b.warehouse, qty=b.qty, since=b.since)
            for b in all_balances
            if who.may_access(b.warehouse)
        ],
        reconciliation=ReconciliationView(
            received=t.received,
            shipped=t.shipped,
            disposed=t.disposed,
            returned=t.returned,
            adjustments=t.adjustments,
            count_variances=t.count_variances,
            accounted_on_hand=t.accounted_on_hand,
            on_hand=result.on_hand,
            difference=result.difference,
            balances=result.balances,
        ),
    )


def consignee_lot(row: Row) -> ConsigneeLot:
    return ConsigneeLot(
        gtin=row["gtin"],
        lot=row["lot"],
        expiry=row["expiry"],
        status=status_of(row["status"]),
        shipped=row["shipped"],
        returned=row["returned"],
        shipments=row["shipments"],
        first_at=row["first_at"],
        last_at=row["last_at"],
    )
