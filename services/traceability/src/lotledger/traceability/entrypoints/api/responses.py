"""Serialising large bodies once. A route returning `model_json(view)` (or bytes it
assembled, like the trace) skips FastAPI's re-validation of the body; it still declares
its model as `response_model` for the OpenAPI document."""

from __future__ import annotations

from typing import Any

import orjson
from pydantic import BaseModel
from starlette.responses import Response

LD_JSON = "application/ld+json"


def model_json(model: BaseModel) -> Response:
    return Response(model.model_dump_json(), media_type="application/json")


def ld_json(document: dict[str, Any]) -> Response:
    return Response(orjson.dumps(document), media_type=LD_JSON)
