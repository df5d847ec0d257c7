"""`POST /v1/telemetry/readings` (role `sensor`): readings go straight to Kafka, keyed by
sensor, and are acknowledged only after the broker acknowledged every one (acks=all).

Each reading is judged on its own: one from an unregistered or retired sensor, naming
another location than its sensor's, carrying a measure its sensor is not registered for,
later than the server's clock or older than the late-reading horizon is refused in the
answer (a problem naming the sensor and the rule) while the others are published. A
malformed body is refused whole (422), as is a reading outside the token's warehouses
(403)."""

from __future__ import annotations

from typing import Annotated, Any, Self

import orjson
from fastapi import APIRouter, Request, status
from pydantic import BaseModel, ConfigDict, Field, model_validator
from starlette.responses import Response

from lotledger.inventory.entrypoints.api.dependencies import RuntimeDep
from lotledger.inventory.entrypoints.api.problem_map import READING_PROBLEMS
from lotledger.inventory.service.telemetry import (
    Published,
    TelemetryUnavailable,
    publish_readings,
)
from lotledger.shared.contracts.telemetry import Reading
from lotledger.shared.identifiers import LocationId, warehouse_of
from lotledger.shared.instants import Instant
from lotledger.shared.web.idempotency import IdempotencyKey, replayed, request_fingerprint
from lotledger.shared.web.problems import Problem, problem_for
from lotledger.shared.web.security import Caller

router = APIRouter(prefix="/v1/telemetry", tags=["telemetry"])
MAX_READINGS = 1000
Celsius = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False, strict=True)]
Percent = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False, strict=True)]
SensorId = Annotated[
    str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:\-]*$")
]


class ReadingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sensor: SensorId
    location: LocationId
    at: Instant
    temperature_c: Celsius | None = None
    humidity_pct: Percent | None = None

    @model_validator(mode="after")
    def _measures_something(self) -> Self:
        if self.temperature_c is None and self.humidity_pct is None:
            raise ValueError("a reading needs temperature_c or humidity_pct")
        return self


class ReadingsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    readings: Annotated[list[ReadingIn], Field(min_length=1, max_length=MAX_READINGS)]


class RefusedReading(BaseModel):
    index: int = Field(description="the reading's position in the request")
    sensor: str
    problem: dict[str, Any] = Field(description="RFC 9457 problem naming the sensor and rule")


class ReadingsAccepted(BaseModel):
    accepted: int
    refused: int = 0
    refusals: list[RefusedReading] = []


def render(published: Published) -> bytes:
    refusals = [
        {
            "index": r.index,
            "sensor": r.reading.sensor,
            "problem": problem_for(r.refusal, READING_PROBLEMS).body(),
        }
        for r in published.refused
    ]
    return orjson.dumps(
        {"accepted": published.accepted, "refused": len(refusals), "refusals": refusals}
    )


@router.post(
    "/readings",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ReadingsAccepted,
    summary="Sensor readings, judged one by one; acknowledged after Kafka acknowledged them",
)
async def post_readings(
    body: ReadingsIn, request: Request, rt: RuntimeDep, who: Caller, key: IdempotencyKey = None
) -> Response:
    for warehouse in sorted({warehouse_of(r.location) for r in body.readings}):
        who.require_warehouse(warehouse)
    fp = await request_fingerprint(request) if key else None
    readings = [Reading(**r.model_dump()) for r in body.readings]
    try:
        outcome = await publish_readings(rt, who, readings, key, fp, render)
    except TelemetryUnavailable as exc:
        raise Problem(
            503,
            "telemetry-unavailable",
            "Telemetry unavailable",
            str(exc),
            headers={"Retry-After": "5"},
        ) from exc
    if outcome.replay is not None:
        return replayed(outcome.replay)
    return Response(render(outcome), status_code=202, media_type="application/json")
