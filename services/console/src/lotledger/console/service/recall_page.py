"""The recall report: every lot recalled under one recall id (or one lot), with its
consignees, on hand by location and reconciliation.

The lots recalled under the id that the user sees (at most `scan` of them, found by
traceability through their `recalled` events), then their recall reports and summaries
side by side (8 at a time)."""

from __future__ import annotations

from dataclasses import dataclass

from lotledger.console.domain.errors import Missing
from lotledger.console.domain.lots import LotSummary, RecallReport
from lotledger.console.service.apis import Apis, bounded, together


@dataclass(frozen=True)
class RecalledLot:
    report: RecallReport
    summary: LotSummary


@dataclass(frozen=True)
class RecallPage:
    recall_id: str | None
    lots: list[RecalledLot]

    @property
    def shipped_total(self) -> int:
        return sum(x.report.shipped_total for x in self.lots)

    @property
    def outstanding_total(self) -> int:
        return sum(x.report.outstanding_total for x in self.lots)

    @property
    def on_hand_total(self) -> int:
        return sum(x.report.on_hand_total for x in self.lots)


async def by_recall_id(apis: Apis, token: str, recall_id: str, scan: int) -> RecallPage:
    t = apis.traceability
    recalled = await t.recalled_under(token, recall_id, scan)
    if not recalled:
        raise Missing(f"no recalled lot you can see was recalled under {recall_id!r}")
    reports = await bounded(recalled, lambda ref: t.recall_report(token, *ref))
    summaries = await bounded(recalled, lambda ref: t.summary(token, *ref))
    lots = [RecalledLot(r, s) for r, s in zip(reports, summaries, strict=True)]
    return RecallPage(recall_id, lots)


async def of_lot(apis: Apis, token: str, gtin: str, lot: str) -> RecallPage:
    t = apis.traceability
    report, summary = await together(t.recall_report(token, gtin, lot), t.summary(token, gtin, lot))
    recall_id = report.recalls[-1].recall_id if report.recalls else None
    return RecallPage(recall_id, [RecalledLot(report, summary)])
