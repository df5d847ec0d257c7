"""QA status changes (role `qa`): batch-wide, at every location at once."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from starlette.responses import Response

from lotledger.inventory.entrypoints.api import qa_schemas as schemas
from lotledger.inventory.entrypoints.api.commanding import run_command
from lotledger.inventory.entrypoints.api.dependencies import RuntimeDep
from lotledger.inventory.entrypoints.api.views import CommandResponse
from lotledger.shared.identifiers import Gtin
from lotledger.shared.web.idempotency import IdempotencyKey
from lotledger.shared.web.paths import LotInPath
from lotledger.shared.web.security import Caller

router = APIRouter(prefix="/v1/batches", tags=["quality"])


StatusOp = Literal["release", "quarantine", "reject"]
STATUS_CHANGES: dict[StatusOp, str] = {
    "release": "Release a quarantined batch",
    "quarantine": "Quarantine a batch",
    "reject": "Reject a batch for good",
}


def _status_change(op: StatusOp, summary: str) -> None:
    async def change(
        gtin: Gtin,
        lot: LotInPath,
        request: Request,
        rt: RuntimeDep,
        who: Caller,
        body: schemas.StatusChange | None = None,
        key: IdempotencyKey = None,
    ) -> Response:
        command = schemas.status_command(op, gtin, lot, body or schemas.StatusChange())
        return await run_command(request, rt, who, command, key)

    router.post(
        f"/{{gtin}}/{{lot}}/{op}",
        status_code=201,
        response_model=CommandResponse,
        summary=summary,
        name=op,
    )(change)


for _op, _summary in STATUS_CHANGES.items():
    _status_change(_op, _summary)


@router.post(
    "/{gtin}/{lot}/recall",
    status_code=201,
    response_model=CommandResponse,
    summary="Recall a batch: blocks every pick",
)
async def recall(
    gtin: Gtin,
    lot: LotInPath,
    body: schemas.Recall,
    request: Request,
    rt: RuntimeDep,
    who: Caller,
    key: IdempotencyKey = None,
) -> Response:
    return await run_command(
        request, rt, who, schemas.status_command("recall", gtin, lot, body), key
    )
