"""`POST /v1/stocktakes`: a physical inventory of a location or a warehouse in one request.

Lines for known batches become counted events (variance = counted − on hand); the answer
reconciles the count with what lotledger holds. Lots held in the scope but absent from the
count are reported, not zeroed, unless `zero_uncounted` is set.
"""

from __future__ import annotations

from typing import Annotated, Self

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator
from starlette.responses import Response

from lotledger.inventory.entrypoints.api.commanding import fingerprint, render, replayed
from lotledger.inventory.entrypoints.api.dependencies import RuntimeDep, metadata
from lotledger.inventory.service import stock
from lotledger.inventory.service.stocktake import (
    CountedLine,
    LineVerdict,
    Report,
    commands_for,
    held_in_scope,
    reconcile,
)
from lotledger.shared.identifiers import Gtin, LocationId, Lot, Reference, WarehouseId, warehouse_of
from lotledger.shared.web.idempotency import IdempotencyKey
from lotledger.shared.web.problems import invalid_input
from lotledger.shared.web.security import Caller

router = APIRouter(prefix="/v1", tags=["stocktakes"])
MAX_LINES = 10_000


class Line(BaseModel):
    model_config = ConfigDict(extra="forbid")

    gtin: Gtin
    lot: Lot
    location: LocationId
    counted_qty: Annotated[int, Field(ge=0, le=10**9, strict=True)]


class Stocktake(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stocktake_id: Reference
    location: LocationId | None = None
    warehouse: WarehouseId | None = None
    lines: Annotated[list[Line], Field(max_length=MAX_LINES)]
    zero_uncounted: StrictBool = False

    @model_validator(mode="after")
    def _one_scope(self) -> Self:
        if (self.location is None) == (self.warehouse is None):
            raise ValueError("give exactly one scope: location or warehouse")
        return self

    def in_scope(self, location: str) -> bool:
        if self.location is not None:
            return location == self.location
        return warehouse_of(location) == self.warehouse


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
    return Line(gtin=x.gtin, lot=x.lot, location=x.location, counted_qty=x.counted_qty)


def _report_view(report: Report, zeroed: list[Held]) -> StocktakeReport:
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
            Held(gtin=h.gtin, lot=h.lot, location=h.location, qty=h.qty)
            for h in report.not_counted
            if not zeroed
        ],
        zeroed=zeroed,
        refused=[Refusal(line=_line(line), reason=str(exc)) for line, exc in report.refused],
        events=report.events + len(zeroed),
    )


@router.post(
    "/stocktakes",
    response_model=StocktakeReport,
    summary="Post a physical inventory; answers the reconciliation report",
)
async def post_stocktake(
    body: Stocktake, request: Request, rt: RuntimeDep, who: Caller, key: IdempotencyKey = None
) -> Response:
    outside = [i for i, line in enumerate(body.lines) if not body.in_scope(line.location)]
    if outside:
        raise invalid_input(
            [
                {
                    "field": f"lines.{i}.location",
                    "rule": "outside_scope",
                    "message": "line is outside the stocktake's scope",
                }
                for i in outside[:20]
            ]
        )
    who.require_warehouse(warehouse_of(body.location) if body.location else str(body.warehouse))
    held = await held_in_scope(rt.queries, body.location, body.warehouse)
    lines = [CountedLine(x.gtin, x.lot, x.location, x.counted_qty) for x in body.lines]
    counted = {(x.gtin, x.lot, x.location) for x in lines}
    extra = [
        CountedLine(h.gtin, h.lot, h.location, 0)
        for h in held
        if body.zero_uncounted and (h.gtin, h.lot, h.location) not in counted
    ]
    operations = [
        stock.Operation(cmd, causation=body.stocktake_id)
        for cmd in commands_for(body.stocktake_id, [*lines, *extra])
    ]

    def assemble(results: list[stock.Result]) -> StocktakeReport:
        report = reconcile(body.stocktake_id, lines, results[: len(lines)], held)
        zeroed = [
            Held(
                gtin=x.gtin,
                lot=x.lot,
                location=x.location,
                qty=next(
                    h.qty
                    for h in held
                    if (h.gtin, h.lot, h.location) == (x.gtin, x.lot, x.location)
                ),
            )
            for x, r in zip(extra, results[len(lines) :], strict=True)
            if isinstance(r, stock.Accepted)
        ]
        return _report_view(report, zeroed)

    whole = None
    if key:
        whole = stock.WholeRequest(
            key,
            fingerprint(request.method, request.url.path, await request.body()),
            lambda results: (200, assemble(results).model_dump_json().encode()),
        )
    results = await stock.execute(
        stock.Request(
            operations,
            metadata(who, rt, key or body.stocktake_id),
            who,
            render,
            rt.stock_topic,
            whole,
        ),
        rt.uow,
        rt.policy,
        rt.catalog_cache,
    )
    if isinstance(results, stock.Replayed):
        return replayed(results.response)
    return Response(assemble(results).model_dump_json(), media_type="application/json")
