"""A lot's recall report and its chain verification.

The report lists every consignee the token's warehouses shipped to, with what was
shipped, returned and is still out; verification always covers the whole chain (it
reveals only whether, and where, it breaks).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from lotledger.shared.auth import Principal
from lotledger.shared.db import Driver, Row, json_value
from lotledger.shared.identifiers import batch_id
from lotledger.traceability.adapters.checkpoint_store import CheckpointStore, LoggedHead
from lotledger.traceability.adapters.queries import history as h
from lotledger.traceability.adapters.queries import lots as q
from lotledger.traceability.adapters.queries import packs as p
from lotledger.traceability.adapters.queries.lots import LotRecord
from lotledger.traceability.adapters.rows import ReceiptRow, ShipmentRow
from lotledger.traceability.domain.packs import lot_packs
from lotledger.traceability.entrypoints.api.schemas.trace import (
    CheckpointComparison,
    ConsigneeExposure,
    RecallNotice,
    RecallReport,
    ReturnLine,
    ShipmentLine,
    Verification,
)
from lotledger.traceability.entrypoints.api.views.lots import status_of, visible_balances
from lotledger.verify.chain import verify_chain

RECALLED = "lotledger.stock.recalled.v1"


async def recall_report(
    conn: Driver, who: Principal, lot_row: LotRecord, now: datetime
) -> RecallReport:
    gtin, lot = lot_row.gtin, lot_row.lot
    shipped: dict[str, list[ShipmentRow]] = defaultdict(list)
    for s in await q.shipments(conn, gtin, lot):
        if who.may_access(s.warehouse):
            shipped[s.consignee].append(s)
    returned: dict[str, list[ReceiptRow]] = defaultdict(list)
    for r in await q.receipts(conn, gtin, lot):
        if r.kind == "returned" and who.may_access(r.warehouse):
            returned[r.party].append(r)
    _, holders = lot_packs(
        (r["type"], json_value(r["data"])) for r in await p.lot_serial_events(conn, gtin, lot)
    )
    consignees = [
        _consignee(party, shipped[party], returned.get(party, []), holders)
        for party in sorted(shipped)
    ]
    recalls = [
        RecallNotice(
            recall_id=d["recall_id"],
            recall_class=d["class"],
            reason=d["reason"],
            at=r["at"],
            by=d["by"],
        )
        for r in await h.of_type(conn, gtin, lot, RECALLED)
        if (d := json_value(r["data"]))
    ]
    on_hand = await visible_balances(conn, who, gtin, lot)
    return RecallReport(
        gtin=gtin,
        lot=lot,
        expiry=lot_row.expiry,
        status=status_of(lot_row.status),
        recalls=recalls,
        consignees=consignees,
        shipped_total=sum(c.shipped for c in consignees),
        outstanding_total=sum(c.outstanding for c in consignees),
        on_hand=on_hand,
        on_hand_total=sum(b.qty for b in on_hand),
        generated_at=now,
    )


def _consignee(
    party: str,
    shipments: list[ShipmentRow],
    returns: list[ReceiptRow],
    holders: dict[str, list[str]],
) -> ConsigneeExposure:
    shipped = sum(s.qty for s in shipments)
    back = sum(r.qty for r in returns)
    return ConsigneeExposure(
        party=party,
        shipped=shipped,
        returned=back,
        outstanding=max(shipped - back, 0),
        first_shipped_at=min(s.at for s in shipments),
        last_shipped_at=max(s.at for s in shipments),
        shipments=[
            ShipmentLine(qty=s.qty, at=s.at, order_ref=s.order_ref, location=s.location)
            for s in shipments
        ],
        returns=[ReturnLine(qty=r.qty, at=r.at, location=r.location) for r in returns],
        serials=holders.get(party, []) if holders else None,
    )


async def verification(conn: Driver, lot_row: LotRecord) -> Verification:
    gtin, lot = lot_row.gtin, lot_row.lot
    rows = await h.history(conn, gtin, lot)
    verdict = verify_chain(h.envelope(gtin, lot, r) for r in rows)
    broken = next((r for r in rows if r["version"] == verdict.broken_version), None)
    logged = await CheckpointStore(conn).head(batch_id(gtin, lot))
    against = _against(logged, rows)
    return Verification(
        gtin=gtin,
        lot=lot,
        ok=verdict.ok and (against is None or against.matches is not False),
        events=len(rows),
        checked=verdict.checked,
        broken_version=verdict.broken_version,
        broken_event_id=None if broken is None else str(broken["event_id"]),
        reason=verdict.reason,
        head_hash=rows[-1]["hash"] if rows else None,
        checkpoint=against,
    )


def _against(logged: LoggedHead | None, rows: list[Row]) -> CheckpointComparison | None:
    """This copy's hash at the version the latest trusted checkpoint logged, against the
    hash signed: a copy rewritten with a recomputed chain differs there."""
    if logged is None:
        return None
    own = next((r["hash"] for r in rows if r["version"] == logged.version), None)
    return CheckpointComparison(
        checkpoint_id=logged.checkpoint,
        logged_version=logged.version,
        logged_hash=logged.hash,
        matches=None if own is None else own == logged.hash,
        reason="this copy does not hold the logged version yet"
        if own is None
        else (None if own == logged.hash else "this copy differs from the signed log"),
    )
