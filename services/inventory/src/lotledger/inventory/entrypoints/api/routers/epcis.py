"""EPCIS 2.0 capture (docs/adr/0016-serials.md §5): a supplier's commissioning, packing and
shipping events, validated against the official schema and stored as advance shipping
information. A refusal names the event and member; nothing of a refused document is
stored."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Request
from starlette.responses import Response

from lotledger.inventory.entrypoints.api.dependencies import RuntimeDep
from lotledger.inventory.entrypoints.api.epcis import schema_errors
from lotledger.inventory.entrypoints.api.serial_answers import answer, body_of, desk_for
from lotledger.inventory.entrypoints.api.serial_views import CaptureView
from lotledger.inventory.service.serial_capture import Captured, capture
from lotledger.shared.web.idempotency import IdempotencyKey
from lotledger.shared.web.problems import Problem, invalid_input
from lotledger.shared.web.security import Caller

router = APIRouter(prefix="/v1/epcis", tags=["serials"])


async def _document(request: Request) -> dict[str, Any]:
    try:
        document = orjson.loads(await request.body())
    except orjson.JSONDecodeError as exc:
        raise Problem(400, "malformed-json", "Malformed JSON", str(exc)) from exc
    if errors := schema_errors(document):
        raise invalid_input(errors)
    if not isinstance(document, dict) or document.get("type") != "EPCISDocument":
        raise invalid_input(
            [{"field": "type", "rule": "epcis_document", "message": "must be an EPCISDocument"}]
        )
    return document


@router.post(
    "/capture",
    status_code=201,
    response_model=CaptureView,
    summary="Capture a supplier's EPCIS 2.0 document as advance shipping information",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"type": "object"}},
                "application/ld+json": {"schema": {"type": "object"}},
            },
        }
    },
)
async def capture_document(
    request: Request, rt: RuntimeDep, who: Caller, key: IdempotencyKey = None
) -> Response:
    document = await _document(request)
    events = document["epcisBody"].get("eventList", [])

    def view(captured: Captured) -> CaptureView:
        return CaptureView(
            capture_id=str(captured.capture_id),
            packs=captured.packs,
            containers=captured.containers,
            lots=captured.lots,
        )

    async def run() -> CaptureView:
        desk = await desk_for(request, rt, who, key)
        captured = await capture(document, events, desk, lambda c: body_of(view(c)))
        return view(captured)

    return await answer(run)
