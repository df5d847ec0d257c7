"""The traceability API (read-only) as the console reads it."""

from __future__ import annotations

from typing import Any

from lotledger.console.adapters.http import Api
from lotledger.console.adapters.parsing import (
    instant,
    maybe_day,
    maybe_float,
    maybe_instant,
    maybe_int,
    maybe_str,
)
from lotledger.console.adapters.urls import lot_path, lot_segment
from lotledger.console.domain import climate as c
from lotledger.console.domain import lots as m


class TraceabilityApi:
    def __init__(self, api: Api) -> None:
        self.api = api

    async def summary(self, token: str, gtin: str, lot: str) -> m.LotSummary:
        return lot_summary(await self.api.get(f"/v1/lots/{lot_path(gtin, lot)}", token))

    async def trace(self, token: str, gtin: str, lot: str) -> m.Trace:
        return trace(await self.api.get(f"/v1/lots/{lot_path(gtin, lot)}/trace", token))

    async def verify(self, token: str, gtin: str, lot: str) -> m.Verification:
        return verification(await self.api.get(f"/v1/lots/{lot_path(gtin, lot)}/verify", token))

    async def lot_climate(self, token: str, gtin: str, lot: str) -> c.LotClimate:
        body = await self.api.get(f"/v1/lots/{lot_path(gtin, lot)}/excursions", token)
        return c.LotClimate(
            exposures=tuple(
                c.Exposure(excursion(e["excursion"]), float(e["exposure_minutes"]), e["max_qty"])
                for e in body["exposures"]
            ),
            mkt_c=maybe_float(body.get("mkt_c")),
            stay_from=maybe_instant(body.get("stay_from")),
            stay_until=maybe_instant(body.get("stay_until")),
        )

    async def recall_report(self, token: str, gtin: str, lot: str) -> m.RecallReport:
        path = f"/v1/lots/{lot_path(gtin, lot)}/recall-report"
        return recall_report(await self.api.get(path, token))

    async def epcis(self, token: str, gtin: str, lot: str) -> bytes:
        path = f"/v1/lots/{lot_path(gtin, lot)}/epcis"
        return (await self.api.request("GET", path, token)).content

    async def recalled_lots(self, token: str, limit: int) -> list[tuple[str, str]]:
        """(gtin, lot) of recalled lots the token sees, at most `limit`."""
        found: list[tuple[str, str]] = []
        offset: int | None = 0
        while offset is not None and len(found) < limit:
            page = await self.api.get(
                "/v1/lots",
                token,
                {"status": "recalled", "limit": min(1000, limit - len(found)), "offset": offset},
            )
            found += [(i["gtin"], i["lot"]) for i in page["items"]]
            offset = page.get("next_offset")
        return found

    async def excursion(
        self, token: str, excursion_id: str
    ) -> tuple[c.Excursion, list[c.ExposedLot]]:
        body = await self.api.get(f"/v1/excursions/{lot_segment(excursion_id)}", token)
        exposed = [
            c.ExposedLot(e["gtin"], e["lot"], float(e["exposure_minutes"]), e["max_qty"])
            for e in body["exposed_lots"]
        ]
        return excursion(body), exposed

    async def climate(
        self, token: str, location: str, start: str, end: str, limit: int
    ) -> c.Climate:
        body = await self.api.get(
            f"/v1/locations/{location}/climate",
            token,
            {"from": start, "to": end, "limit": limit},
        )
        return c.Climate(
            location=body["location"],
            start=instant(body["start"]),
            end=instant(body["end"]),
            readings=tuple(
                c.Reading(instant(r["at"]), r.get("temperature_c"), r.get("humidity_pct"))
                for r in body["readings"]
            ),
            truncated=bool(body["truncated"]),
            mkt_c=maybe_float(body.get("mkt_c")),
            temp_min_c=float(body["temp_min_c"]),
            temp_max_c=float(body["temp_max_c"]),
        )


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
