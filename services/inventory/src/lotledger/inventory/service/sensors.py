"""Registering, updating and retiring sensors: one transaction holding the record, its
audit row and the catalog event, the sensor's row locked while it is decided."""

from __future__ import annotations

from collections.abc import Sequence

from lotledger.inventory.adapters.catalog_changes import Change
from lotledger.inventory.domain.errors import UnknownLocation
from lotledger.inventory.domain.sensors import SensorSpec, UnknownSensor, registered
from lotledger.inventory.service.stock import UnitOfWorkFactory
from lotledger.shared.contracts.catalog import Sensor


async def save_sensor(
    uow_factory: UnitOfWorkFactory, spec: SensorSpec, change: Change
) -> tuple[bool, Sensor]:
    """(whether it was new, the record as stored)."""
    async with uow_factory() as uow:
        if not await uow.catalog.locations([spec.location]):
            raise UnknownLocation(
                f"location {spec.location} is not registered",
                field="location",
                location=spec.location,
            )
        before = await uow.sensors.for_update(spec.sensor_id)
        sensor = registered(before, spec, change.now)
        await uow.sensors.save(sensor, before, change)
        await uow.commit()
    return before is None, sensor


async def sensor(uow_factory: UnitOfWorkFactory, sensor_id: str) -> Sensor:
    async with uow_factory() as uow:
        found = (await uow.sensors.sensors([sensor_id])).get(sensor_id)
    if found is None:
        raise UnknownSensor(f"sensor {sensor_id} is not registered", sensor=sensor_id)
    return found


async def sensors(
    uow_factory: UnitOfWorkFactory,
    warehouses: Sequence[str] | None,
    location: str | None,
    limit: int,
    offset: int,
) -> list[Sensor]:
    async with uow_factory() as uow:
        return await uow.sensors.listed(warehouses, location, limit, offset)
