"""A physical inventory posted in one request (typically by the ERP): counted events for
every line we know, and a reconciliation report of matches, variances, lots counted that
we do not know, and lots we hold in the scope that were not counted."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from lotledger.inventory.adapters.queries import InventoryQueries, StockLine
from lotledger.inventory.domain import commands as c
from lotledger.inventory.domain.errors import UnknownBatch, UnknownProduct
from lotledger.inventory.service import stock
from lotledger.shared.contracts.stock import HoldingStatus


@dataclass(frozen=True)
class CountedLine:
    gtin: str
    lot: str
    location: str
    counted_qty: int
    holding_status: HoldingStatus = HoldingStatus.AVAILABLE

    @property
    def key(self) -> tuple[str, str, str, HoldingStatus]:
        return self.gtin, self.lot, self.location, self.holding_status


@dataclass(frozen=True)
class LineVerdict:
    gtin: str
    lot: str
    location: str
    expected_qty: int
    counted_qty: int

    @property
    def variance(self) -> int:
        return self.counted_qty - self.expected_qty


@dataclass
class Report:
    stocktake_id: str
    matches: list[LineVerdict] = field(default_factory=list)
    variances: list[LineVerdict] = field(default_factory=list)
    unknown: list[CountedLine] = field(default_factory=list)
    not_counted: list[StockLine] = field(default_factory=list)
    refused: list[tuple[CountedLine, Exception]] = field(default_factory=list)
    events: int = 0


def commands_for(
    stocktake_id: str, lines: Sequence[CountedLine], counted_at: datetime | None = None
) -> list[c.Command]:
    """One count per line; `counted_at` (when the count was made) freezes each line's
    expected quantity at that instant, so what moved before the posting stays moved."""
    return [
        c.CountStock(
            line.gtin,
            line.lot,
            line.location,
            line.counted_qty,
            stocktake_id,
            line.holding_status,
            counted_at,
        )
        for line in lines
    ]


def reconcile(
    stocktake_id: str,
    lines: Sequence[CountedLine],
    results: Sequence[stock.Result],
    held: Sequence[StockLine],
) -> Report:
    report = Report(stocktake_id)
    for line, result in zip(lines, results, strict=True):
        if isinstance(result, stock.Accepted):
            [event] = result.events
            verdict = LineVerdict(
                line.gtin,
                line.lot,
                line.location,
                int(event.data["expected_qty"]),
                line.counted_qty,
            )
            (report.matches if verdict.variance == 0 else report.variances).append(verdict)
            report.events += 1
        elif isinstance(result, UnknownBatch | UnknownProduct):
            report.unknown.append(line)
        elif isinstance(result, stock.Replayed):
            continue
        else:
            report.refused.append((line, result))
    counted = {line.key for line in lines}
    report.not_counted = [
        h for h in held if (h.gtin, h.lot, h.location, h.holding_status) not in counted
    ]
    return report


async def held_in_scope(
    queries: InventoryQueries, location: str | None, warehouse: str | None
) -> list[StockLine]:
    lines: list[StockLine] = []
    offset = 0
    while True:
        page = await queries.stock(
            gtin=None,
            location=location,
            warehouses=[warehouse] if warehouse else None,
            limit=10_000,
            offset=offset,
        )
        lines.extend(page)
        if len(page) < 10_000:
            return lines
        offset += len(page)
