"""The traceability API's answers as the console's records (field meanings: the API's
schemas in services/traceability)."""

from __future__ import annotations

from typing import Any

from lotledger.console.adapters.parsing import (
    instant,
    maybe_day,
    maybe_float,
    maybe_instant,
    maybe_int,
    maybe_str,
)
from lotledger.console.domain import climate as c
from lotledger.console.domain import lots as m


def balance(b: dict[str, Any]) -> m.Balance:
    return m.Balance(b["location"], b["warehouse"], int(b["qty"]), instant(b["since"]))


def lot_summary(body: dict[str, Any]) -> m.LotSummary:
    r = body["reconciliation"]
    return m.LotSummary(
        gtin=body["gtin"],
        lot=body["lot"],
        expiry=maybe_day(body.get("expiry")),
        manufactured=maybe_day(body.get("manufactured")),
        status=maybe_str(body.get("status")),
        version=int(body["version"]),
        first_at=instant(body["first_at"]),
        last_at=instant(body["last_at"]),
        warehouses=tuple(body.get("warehouses", [])),
        on_hand=int(body["on_hand"]),
        balances=tuple(balance(b) for b in body["balances"]),
        reconciliation=m.Reconciliation(
            received=r["received"],
            shipped=r["shipped"],
            disposed=r["disposed"],
            returned=r["returned"],
            adjustments=r["adjustments"],
            count_variances=r["count_variances"],
            accounted_on_hand=r["accounted_on_hand"],
            on_hand=r["on_hand"],
            difference=r["difference"],
            balances=bool(r["balances"]),
        ),
    )


def trace(body: dict[str, Any]) -> m.Trace:
    return m.Trace(
        origin=tuple(
            m.Origin(
                o["kind"],
                o["party"],
                int(o["qty"]),
                instant(o["at"]),
                o["location"],
                o.get("reference"),
            )
            for o in body["origin"]
        ),
        path=tuple(
            m.Step(
                version=s["version"],
                type=s["type"],
                at=instant(s["at"]),
                recorded_at=instant(s["recorded_at"]),
                actor=s.get("actor"),
                device=s.get("device"),
                location=s.get("location"),
                from_location=s.get("from_location"),
                to_location=s.get("to_location"),
                qty=maybe_int(s.get("qty")),
                details=s.get("details") or {},
            )
            for s in body["path"]
        ),
        destinations=tuple(
            m.Destination(
                d["consignee"], int(d["qty"]), instant(d["at"]), d["order_ref"], d["location"]
            )
            for d in body["destinations"]
        ),
    )


def verification(body: dict[str, Any]) -> m.Verification:
    cp = body.get("checkpoint")
    return m.Verification(
        ok=bool(body["ok"]),
        events=int(body["events"]),
        checked=int(body["checked"]),
        broken_version=maybe_int(body.get("broken_version")),
        reason=maybe_str(body.get("reason")),
        head_hash=maybe_str(body.get("head_hash")),
        checkpoint=None
        if cp is None
        else m.CheckpointComparison(
            checkpoint_id=int(cp["checkpoint_id"]),
            logged_version=int(cp["logged_version"]),
            logged_hash=str(cp["logged_hash"]),
            matches=cp.get("matches"),
            reason=maybe_str(cp.get("reason")),
        ),
    )


def recall_report(body: dict[str, Any]) -> m.RecallReport:
    return m.RecallReport(
        gtin=body["gtin"],
        lot=body["lot"],
        expiry=maybe_day(body.get("expiry")),
        status=maybe_str(body.get("status")),
        recalls=tuple(
            m.RecallNotice(
                r["recall_id"], r["recall_class"], r["reason"], instant(r["at"]), r["by"]
            )
            for r in body["recalls"]
        ),
        consignees=tuple(
            m.ConsigneeExposure(
                party=x["party"],
                shipped=int(x["shipped"]),
                returned=int(x["returned"]),
                outstanding=int(x["outstanding"]),
                first_shipped_at=instant(x["first_shipped_at"]),
                last_shipped_at=instant(x["last_shipped_at"]),
                shipments=tuple(
                    m.Shipment(int(s["qty"]), instant(s["at"]), s["order_ref"], s["location"])
                    for s in x["shipments"]
                ),
            )
            for x in body["consignees"]
        ),
        shipped_total=int(body["shipped_total"]),
        outstanding_total=int(body["outstanding_total"]),
        on_hand=tuple(balance(b) for b in body["on_hand"]),
        on_hand_total=int(body["on_hand_total"]),
        generated_at=instant(body["generated_at"]),
    )


def excursion(x: dict[str, Any]) -> c.Excursion:
    return c.Excursion(
        excursion_id=str(x["excursion_id"]),
        location=x["location"],
        sensor=x["sensor"],
        kind=x["kind"],
        limit=float(x["limit"]),
        started_at=instant(x["started_at"]),
        ended_at=maybe_instant(x.get("ended_at")),
        open=bool(x["open"]),
        peak=float(x["peak"]),
        readings=int(x["readings"]),
        duration_minutes=maybe_float(x.get("duration_minutes")),
    )
