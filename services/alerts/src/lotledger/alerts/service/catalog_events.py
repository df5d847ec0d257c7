"""Catalog records into thresholds, zones and the sensor registry. A product whose
thresholds change has its expiry and level rules evaluated at once; a warehouse zone
change is picked up by the next evaluation of each lot (the sweep at the latest). A
sensor registered, changed or retired has its own alerts and its location's watch
evaluated at once (its silence only resolved here, as for readings: the sweep raises it)."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import structlog

from lotledger.alerts.domain.conditions import Evaluation
from lotledger.alerts.domain.facts import ProductThresholds
from lotledger.alerts.service import evaluation as ev
from lotledger.alerts.service.recording import Cause
from lotledger.shared.contracts.catalog import Location, Product, Sensor
from lotledger.shared.envelope import CloudEvent

log = structlog.get_logger("lotledger.alerts.catalog")


async def apply_product(ctx: ev.Context, envelope: CloudEvent, product: Product) -> bool:
    if not await store_product(ctx, envelope, product):
        return False
    evaluation = await ev.product(ctx, product.gtin)
    await ev.settle(ctx, evaluation, Cause(str(envelope.id), envelope.correlationid))
    return True


async def store_product(ctx: ev.Context, envelope: CloudEvent, product: Product) -> bool:
    thresholds = ProductThresholds.from_product(product)
    return await ctx.stores.catalog.save_product(thresholds, envelope.streamversion or 0)


async def apply_location(ctx: ev.Context, envelope: CloudEvent, location: Location) -> bool:
    try:
        ZoneInfo(location.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("unknown_timezone_taken_as_utc", location=location.location_id)
        location = location.model_copy(update={"timezone": "UTC"})
    if not await ctx.stores.catalog.save_location(location, envelope.streamversion or 0):
        return False
    ctx.forget_zones()
    return True


async def store_sensor(ctx: ev.Context, envelope: CloudEvent, sensor: Sensor) -> bool:
    return await ctx.stores.climate.save_sensor(sensor, envelope.streamversion or 0)


async def apply_sensor(ctx: ev.Context, envelope: CloudEvent, sensor: Sensor) -> bool:
    if not await store_sensor(ctx, envelope, sensor):
        return False
    cause = Cause(str(envelope.id), envelope.correlationid)
    (facts,) = await ctx.stores.climate.sensors([sensor.sensor_id])
    evaluation = await ev.sensors(ctx, [facts])
    opened = await ctx.stores.alerts.open_in(evaluation.scope)
    if not any(a.key.tier == "" for a in opened):
        kept = tuple(c for c in evaluation.conditions if c.key.tier != "")
        evaluation = Evaluation(evaluation.scope, kept)
    await ev.settle(ctx, evaluation | await ev.locations(ctx, [sensor.location]), cause)
    return True
