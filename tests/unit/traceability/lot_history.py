"""A realistic lot history: received from a supplier into quarantine, released, split
across two cold bins, picked to three consignees, counted, adjusted, partly disposed,
recalled, and a return landing in quarantine."""

from datetime import UTC, date, datetime, timedelta

from lotledger.shared.contracts.stock import (
    Adjusted,
    BatchStatus,
    Counted,
    Disposed,
    Moved,
    Picked,
    RecallClass,
    Recalled,
    Received,
    Released,
    Returned,
    StockEvent,
)

GTIN = "09506000134352"
LOT = "LOT-2026A"
DAY = datetime(2026, 11, 24, tzinfo=UTC)
A1, A2, Q1 = "WH1/COLD-A/01", "WH1/COLD-A/02", "WH1/COLD-Q/01"
SUPPLIER = "9506000000015"
CONSIGNEES = ("9506000000022", "PHARMACY-017", "9506000000039")


def hour(h: float) -> datetime:
    return DAY + timedelta(hours=h)


def lot_events() -> list[StockEvent]:
    k = {"gtin": GTIN, "lot": LOT}
    c1, c2, c3 = CONSIGNEES
    return [
        Received(
            **k,
            at=hour(8),
            location=A1,
            qty=100,
            expiry=date(2027, 6, 30),
            supplier=SUPPLIER,
            reference="PO-4711",
            status=BatchStatus.QUARANTINED,
        ),
        Released(**k, at=hour(8.5), by="qa-1"),
        Moved(**k, at=hour(9), qty=40, from_location=A1, to_location=A2),
        Picked(**k, at=hour(10), location=A1, qty=20, order_ref="SO-1", ship_to=c1),
        Picked(**k, at=hour(11), location=A2, qty=15, order_ref="SO-2", ship_to=c2),
        Picked(**k, at=hour(12), location=A1, qty=10, order_ref="SO-3", ship_to=c3),
        Counted(**k, at=hour(13), location=A1, counted_qty=29, expected_qty=30, variance=-1),
        Adjusted(**k, at=hour(14), location=A2, delta=-2, reason="damaged"),
        Disposed(**k, at=hour(15), location=A2, qty=2, reason="damaged", witness="qa-2"),
        Recalled(
            **k,
            at=hour(33),
            recall_id="RC-9",
            recall_class=RecallClass.II,
            reason="stability failure",
            by="qa-1",
        ),
        Returned(
            **k,
            at=hour(34),
            location=Q1,
            qty=5,
            from_party=c1,
            reason="recall",
            status=BatchStatus.RECALLED,
        ),
    ]
