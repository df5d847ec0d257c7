"""The traceability API (read-only) as the console reads it."""

from __future__ import annotations

from lotledger.console.adapters.http import Api
from lotledger.console.adapters.parsing import instant, maybe_float, maybe_instant
from lotledger.console.adapters.traceability_records import (
    excursion,
    lot_summary,
    recall_report,
    trace,
    verification,
)
from lotledger.console.adapters.urls import lot_path
from lotledger.console.domain import climate as c
from lotledger.console.domain import lots as m
from lotledger.console.domain.errors import NotAllowed
from lotledger.shared.urls import lot_segment


class TraceabilityApi:
    def __init__(self, api: Api) -> None:
        self.api = api

    async def check_token(self, token: str) -> None:
        """Raises SignedOut when traceability does not accept the token; a 403 (a role it
        does not admit) still means the token itself is valid."""
        try:
            await self.api.get("/v1/lots", token, {"limit": 1})
        except NotAllowed:
            return

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

    async def recalled_under(self, token: str, recall_id: str, limit: int) -> list[tuple[str, str]]:
        """(gtin, lot) of the lots recalled under `recall_id` that the token sees, at most
        `limit`."""
        found: list[tuple[str, str]] = []
        offset: int | None = 0
        while offset is not None and len(found) < limit:
            page = await self.api.get(
                "/v1/lots",
                token,
                {"recall_id": recall_id, "limit": min(1000, limit - len(found)), "offset": offset},
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
