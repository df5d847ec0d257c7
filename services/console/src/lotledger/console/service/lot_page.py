"""The lot page: summary and reconciliation, on hand by location with the status it is
held in, a page of the custody timeline, the custody graph, the chain verdict, climate
exposure, and the recall report when the lot was recalled. Five API calls side by side
(a sixth, the recall report, only for a recalled lot)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from lotledger.console.domain.climate import LotClimate
from lotledger.console.domain.graph import CustodyGraph, custody_graph
from lotledger.console.domain.lots import (
    ChainVerdict,
    LotSummary,
    RecallReport,
    Verification,
    chain_verdict,
)
from lotledger.console.domain.timeline import TimelinePage, timeline_page
from lotledger.console.service.apis import Apis, together


@dataclass(frozen=True)
class LotPage:
    summary: LotSummary
    timeline: TimelinePage
    graph: CustodyGraph
    verification: Verification
    verdict: ChainVerdict
    climate: LotClimate
    recall: RecallReport | None


async def lot_page(apis: Apis, token: str, gtin: str, lot: str, page: int, size: int) -> LotPage:
    t = apis.traceability
    summary, trace, verification, climate, held = await together(
        t.summary(token, gtin, lot),
        t.trace(token, gtin, lot),
        t.verify(token, gtin, lot),
        t.lot_climate(token, gtin, lot),
        apis.inventory.holding_statuses(token, gtin, lot),
    )
    recall = None
    if summary.status == "recalled":
        recall = await t.recall_report(token, gtin, lot)
    balances = tuple(replace(b, holding_status=held.get(b.location)) for b in summary.balances)
    return LotPage(
        summary=replace(summary, balances=balances),
        timeline=timeline_page(trace.path, page, size),
        graph=custody_graph(trace),
        verification=verification,
        verdict=chain_verdict(verification),
        climate=climate,
        recall=recall,
    )
