"""`POST /v1/recalls`: one recall (one `recall_id`) of every lot of a product, or of the
lots listed, answered lot by lot (QA, within the batches the token may see). Lots already
recalled, unknown or outside the token's warehouses are reported, not recalled; the others
are recalled in one transaction."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Request
from pydantic import BaseModel
from starlette.responses import Response

from lotledger.inventory.domain.errors import UnknownProduct
from lotledger.inventory.entrypoints.api.commanding import submit, whole_response
from lotledger.inventory.entrypoints.api.dependencies import RuntimeDep, metadata
from lotledger.inventory.entrypoints.api.problem_map import PROBLEMS
from lotledger.inventory.entrypoints.api.qa_schemas import ProductRecall
from lotledger.inventory.entrypoints.api.views import CommandResponse
from lotledger.inventory.service import stock
from lotledger.shared.auth import Forbidden
from lotledger.shared.web.idempotency import IdempotencyKey, request_fingerprint
from lotledger.shared.web.problems import Problem, problem_for
from lotledger.shared.web.security import Caller

router = APIRouter(prefix="/v1", tags=["quality"])


class LotRecall(BaseModel):
    lot: str
    status: int
    result: CommandResponse | None = None
    problem: dict[str, Any] | None = None


class RecallReport(BaseModel):
    recall_id: str
    gtin: str
    lots: list[LotRecall]
    recalled: int
    refused: int


def _lot(lot: str, outcome: stock.Result) -> dict[str, Any]:
    if isinstance(outcome, stock.Accepted):
        return {"lot": lot, "status": 201, "result": outcome.plain(), "problem": None}
    if isinstance(outcome, stock.Replayed):
        return {"lot": lot, "status": 200, "result": orjson.loads(outcome.response.body)}
    problem = (
        Problem(403, "forbidden", "Forbidden", str(outcome))
        if isinstance(outcome, Forbidden)
        else problem_for(outcome, PROBLEMS)
    )
    return {"lot": lot, "status": problem.status, "result": None, "problem": problem.body()}


@router.post(
    "/recalls",
    response_model=RecallReport,
    summary="Recall every lot of a product, or a list of lots, under one recall_id",
)
async def recall(
    body: ProductRecall, request: Request, rt: RuntimeDep, who: Caller, key: IdempotencyKey = None
) -> Response:
    if await rt.queries.product(body.gtin) is None:
        raise UnknownProduct(f"product {body.gtin} is not registered", field="gtin")
    lots = body.lots if body.lots is not None else await rt.queries.lots_of_gtin(body.gtin)
    operations = [stock.Operation(body.command(lot), causation=body.recall_id) for lot in lots]

    def report(results: list[stock.Result]) -> bytes:
        entries = [_lot(lot, r) for lot, r in zip(lots, results, strict=True)]
        recalled = sum(1 for e in entries if e["status"] == 201)
        return orjson.dumps(
            {
                "recall_id": body.recall_id,
                "gtin": body.gtin,
                "lots": entries,
                "recalled": recalled,
                "refused": len(entries) - recalled,
            }
        )

    fp = await request_fingerprint(request) if key else None
    whole = stock.WholeRequest(lambda results: (200, report(results)), key, fp)
    meta = metadata(who, rt, key)
    return whole_response(await submit(rt, stock.Request(operations, meta, who, whole)))
