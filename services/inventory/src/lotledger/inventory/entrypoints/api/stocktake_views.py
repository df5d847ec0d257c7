"""The bodies of `POST /v1/stocktakes`: the counted lines and the reconciliation report."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from lotledger.inventory.service.stocktake import CountedLine, LineVerdict, Report
from lotledger.shared.contracts.stock import HoldingStatus
from lotledger.shared.identifiers import Gtin, LocationId, Lot


class Line(BaseModel):
    model_config = ConfigDict(extra="forbid")

    gtin: Gtin
    lot: Lot
    location: LocationId
    counted_qty: Annotated[int, Field(ge=0, le=10**9, strict=True)]
    holding_status: HoldingStatus = HoldingStatus.AVAILABLE


class Verdict(BaseModel):
    gtin: str
    lot: str
    location: str
    expected_qty: int
    counted_qty: int
    variance: int


class Held(BaseModel):
    gtin: str
    lot: str
    location: str
    qty: int
    holding_status: HoldingStatus = HoldingStatus.AVAILABLE


class Refusal(BaseModel):
    line: Line
    reason: str


class StocktakeReport(BaseModel):
    stocktake_id: str
    matches: list[Verdict]
    variances: list[Verdict]
    unknown: list[Line] = Field(description="counted lots lotledger has never received")
    not_counted: list[Held] = Field(description="held in the scope, absent from the count")
    zeroed: list[Held] = Field(description="with zero_uncounted: held lots counted as zero")
    refused: list[Refusal]
    events: int


def _line(x: CountedLine) -> Line:
    return Line(
        gtin=x.gtin,
        lot=x.lot,
        location=x.location,
        counted_qty=x.counted_qty,
        holding_status=x.holding_status,
    )


def report_view(report: Report, zeroed: list[Held]) -> StocktakeReport:
    def verdicts(items: list[LineVerdict]) -> list[Verdict]:
        return [
            Verdict(
                gtin=v.gtin,
                lot=v.lot,
                location=v.location,
                expected_qty=v.expected_qty,
                counted_qty=v.counted_qty,
                variance=v.variance,
            )
            for v in items
        ]

    return StocktakeReport(
        stocktake_id=report.stocktake_id,
        matches=verdicts(report.matches),
        variances=verdicts(report.variances),
        unknown=[_line(u) for u in report.unknown],
        not_counted=[
            Held(
                gtin=h.gtin,
                lot=h.lot,
                location=h.location,
                qty=h.qty,
                holding_status=h.holding_status,
            )
            for h in report.not_counted
            if not zeroed
        ],
        zeroed=zeroed,
        refused=[Refusal(line=_line(line), reason=str(exc)) for line, exc in report.refused],
        events=report.events + len(zeroed),
    )
