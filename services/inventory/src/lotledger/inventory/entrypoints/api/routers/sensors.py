"""The sensor registry (master data: role `admin` to write, scoped to the sensor's
warehouse; readers and sensors may read it there)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from lotledger.inventory.adapters.catalog_changes import Change
from lotledger.inventory.domain.sensors import DEFAULT_INTERVAL_MINUTES, SensorSpec
from lotledger.inventory.entrypoints.api.dependencies import RuntimeDep, metadata
from lotledger.inventory.entrypoints.api.routers.catalog import AuditEntry
from lotledger.inventory.service import sensors as registry
from lotledger.shared.calendar import CalendarDate
from lotledger.shared.contracts.catalog import Measure, Sensor, SensorStatus
from lotledger.shared.contracts.topics import CATALOG
from lotledger.shared.identifiers import LocationId, WarehouseId, warehouse_of
from lotledger.shared.web.paging import Offset
from lotledger.shared.web.security import Caller

router = APIRouter(prefix="/v1", tags=["master data"])
SensorId = Annotated[
    str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:\-]*$")
]
MAX_INTERVAL_MINUTES = 24 * 60


class SensorBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    location: LocationId
    measures: Annotated[list[Measure], Field(min_length=1, max_length=2)] = [
        Measure.TEMPERATURE,
        Measure.HUMIDITY,
    ]
    interval_minutes: Annotated[int, Field(ge=1, le=MAX_INTERVAL_MINUTES, strict=True)] = Field(
        default=DEFAULT_INTERVAL_MINUTES,
        description="the longest gap expected between two readings; silence beyond it alerts",
    )
    calibration_due: CalendarDate | None = None
    status: SensorStatus = Field(
        default=SensorStatus.ACTIVE, description="`retired` is final: the sensor stays on record"
    )

    def spec(self, sensor_id: str) -> SensorSpec:
        return SensorSpec(
            sensor_id=sensor_id,
            location=self.location,
            measures=tuple(self.measures),
            interval_minutes=self.interval_minutes,
            calibration_due=self.calibration_due,
            status=self.status,
        )


def _change(who: Caller, rt: RuntimeDep) -> Change:
    meta = metadata(who, rt)
    return Change(
        meta.actor, meta.device, meta.correlation_id, meta.now, rt.settings.topic(CATALOG)
    )


@router.put(
    "/sensors/{sensor_id}",
    response_model=Sensor,
    responses={201: {"model": Sensor, "description": "registered"}},
    description="Register a sensor or data logger at a location, update it, or retire it "
    "(`status: retired`, final). Its location is fixed (409 `sensor-location-fixed`).",
)
async def put_sensor(
    sensor_id: SensorId, body: SensorBody, rt: RuntimeDep, who: Caller, response: Response
) -> Sensor:
    who.require_warehouse(warehouse_of(body.location))
    created, sensor = await registry.save_sensor(rt.uow, body.spec(sensor_id), _change(who, rt))
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return sensor


@router.get("/sensors", response_model=list[Sensor])
async def list_sensors(
    rt: RuntimeDep,
    who: Caller,
    location: Annotated[LocationId | None, Query()] = None,
    warehouse: Annotated[WarehouseId | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Offset = 0,
) -> list[Sensor]:
    if location is not None:
        who.require_warehouse(warehouse_of(location))
    if warehouse is not None:
        who.require_warehouse(warehouse)
    scope = [warehouse] if warehouse else None if who.all_warehouses else sorted(who.warehouses)
    return await registry.sensors(rt.uow, scope, location, limit, offset)


async def _visible(rt: RuntimeDep, who: Caller, sensor_id: str) -> Sensor:
    sensor = await registry.sensor(rt.uow, sensor_id)
    who.require_warehouse(sensor.warehouse)
    return sensor


@router.get("/sensors/{sensor_id}", response_model=Sensor)
async def get_sensor(sensor_id: SensorId, rt: RuntimeDep, who: Caller) -> Sensor:
    return await _visible(rt, who, sensor_id)


@router.get("/sensors/{sensor_id}/audit", response_model=list[AuditEntry])
async def sensor_audit(sensor_id: SensorId, rt: RuntimeDep, who: Caller) -> list[dict[str, Any]]:
    await _visible(rt, who, sensor_id)
    return await rt.queries.audit("sensor", sensor_id)
