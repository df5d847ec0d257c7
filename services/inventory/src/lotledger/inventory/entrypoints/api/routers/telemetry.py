"""`POST /v1/telemetry/readings` (role `sensor`): readings go straight to Kafka, keyed by
sensor, and are acknowledged only after the broker acknowledged every one (acks=all)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Self

from fastapi import APIRouter, Request, status
from pydantic import BaseModel, ConfigDict, Field, model_validator
from starlette.responses import Response

from lotledger.inventory.entrypoints.api.commanding import fingerprint, replayed
from lotledger.inventory.entrypoints.api.dependencies import RuntimeDep
from lotledger.inventory.service.telemetry import TelemetryUnavailable, publish_readings
from lotledger.shared.contracts.telemetry import Reading
from lotledger.shared.identifiers import LocationId, warehouse_of
from lotledger.shared.instants import Instant
from lotledger.shared.web.idempotency import IdempotencyKey
from lotledger.shared.web.problems import Problem, invalid_input
from lotledger.shared.web.security import Caller

router = APIRouter(prefix="/v1/telemetry", tags=["telemetry"])
MAX_READINGS = 1000
MAX_AGE = timedelta(days=7)
MAX_SKEW = timedelta(minutes=5)
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


class ReadingsAccepted(BaseModel):
    accepted: int


def _check_times(readings: list[ReadingIn], now: datetime) -> None:
    errors = []
    for i, r in enumerate(readings):
        if r.at > now + MAX_SKEW:
            errors.append(
                {
                    "field": f"readings.{i}.at",
                    "rule": "not_in_future",
                    "message": "reading time is in the future",
                }
            )
        elif r.at < now - MAX_AGE:
            errors.append(
                {
                    "field": f"readings.{i}.at",
                    "rule": "too_old",
                    "message": f"readings older than {MAX_AGE.days} days are refused",
                }
            )
    if errors:
        raise invalid_input(errors)


@router.post(
    "/readings",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ReadingsAccepted,
    summary="Sensor readings; acknowledged after Kafka acknowledged them",
)
async def post_readings(
    body: ReadingsIn, request: Request, rt: RuntimeDep, who: Caller, key: IdempotencyKey = None
) -> Response:
    for warehouse in sorted({warehouse_of(r.location) for r in body.readings}):
        who.require_warehouse(warehouse)
    _check_times(body.readings, rt.clock.now())
    fp = fingerprint(request.method, request.url.path, await request.body()) if key else None
    readings = [Reading(**r.model_dump()) for r in body.readings]
    try:
        outcome = await publish_readings(rt, who, readings, key, fp)
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
    return Response(
        ReadingsAccepted(accepted=outcome.accepted).model_dump_json(),
        status_code=202,
        media_type="application/json",
    )
