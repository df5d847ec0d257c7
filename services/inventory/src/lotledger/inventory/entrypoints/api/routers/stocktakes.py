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

from lotledger.inventory.entrypoints.api.commanding import submit, whole_response
from lotledger.inventory.entrypoints.api.dependencies import RuntimeDep, metadata
from lotledger.inventory.entrypoints.api.stocktake_views import (
    Held,
    Line,
    StocktakeReport,
    report_view,
)
from lotledger.inventory.service import stock
from lotledger.inventory.service.stocktake import (
    CountedLine,
    commands_for,
    held_in_scope,
    reconcile,
)
from lotledger.shared.identifiers import LocationId, Reference, WarehouseId, warehouse_of
from lotledger.shared.instants import Instant
from lotledger.shared.web.idempotency import IdempotencyKey, request_fingerprint
from lotledger.shared.web.problems import invalid_input
from lotledger.shared.web.security import Caller

router = APIRouter(prefix="/v1", tags=["stocktakes"])
MAX_LINES = 10_000


class Stocktake(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stocktake_id: Reference
    location: LocationId | None = None
    warehouse: WarehouseId | None = None
    lines: Annotated[list[Line], Field(max_length=MAX_LINES)]
    zero_uncounted: StrictBool = False
    counted_at: Instant | None = Field(
        default=None,
        description="when the count was made: each line's variance is judged against the "
        "on-hand then, so moves between the count and this posting stay",
    )

    @model_validator(mode="after")
    def _one_scope(self) -> Self:
        if (self.location is None) == (self.warehouse is None):
            raise ValueError("give exactly one scope: location or warehouse")
        return self

    def in_scope(self, location: str) -> bool:
        if self.location is not None:
            return location == self.location
        return warehouse_of(location) == self.warehouse


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
    lines = [
        CountedLine(x.gtin, x.lot, x.location, x.counted_qty, x.holding_status) for x in body.lines
    ]
    counted = {x.key for x in lines}
    extra = [
        CountedLine(h.gtin, h.lot, h.location, 0, h.holding_status)
        for h in held
        if body.zero_uncounted and (h.gtin, h.lot, h.location, h.holding_status) not in counted
    ]
    operations = [
        stock.Operation(cmd, causation=body.stocktake_id)
        for cmd in commands_for(body.stocktake_id, [*lines, *extra], body.counted_at)
    ]

    def assemble(results: list[stock.Result]) -> StocktakeReport:
        report = reconcile(body.stocktake_id, lines, results[: len(lines)], held)
        zeroed = [
            Held(
                gtin=x.gtin,
                lot=x.lot,
                location=x.location,
                holding_status=x.holding_status,
                qty=next(
                    h.qty for h in held if (h.gtin, h.lot, h.location, h.holding_status) == x.key
                ),
            )
            for x, r in zip(extra, results[len(lines) :], strict=True)
            if isinstance(r, stock.Accepted)
        ]
        return report_view(report, zeroed)

    whole = stock.WholeRequest(
        lambda results: (200, assemble(results).model_dump_json().encode()),
        key,
        await request_fingerprint(request) if key else None,
    )
    meta = metadata(who, rt, key or body.stocktake_id)
    return whole_response(await submit(rt, stock.Request(operations, meta, who, whole)))
