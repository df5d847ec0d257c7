"""Catalog records into thresholds and zones. A product whose thresholds change has its
expiry and level rules evaluated at once; a warehouse zone change is picked up by the
next evaluation of each lot (the sweep at the latest)."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import structlog

from lotledger.alerts.domain.facts import ProductThresholds
from lotledger.alerts.service import evaluation as ev
from lotledger.alerts.service.recording import Cause
from lotledger.shared.contracts.catalog import Location, Product
from lotledger.shared.envelope import CloudEvent

log = structlog.get_logger("lotledger.alerts.catalog")


async def apply_product(ctx: ev.Context, envelope: CloudEvent, product: Product) -> bool:
    thresholds = ProductThresholds.from_product(product)
    if not await ctx.stores.catalog.save_product(thresholds, envelope.streamversion or 0):
        return False
    evaluation = await ev.product(ctx, product.gtin)
    await ev.settle(ctx, evaluation, Cause(str(envelope.id), envelope.correlationid))
    return True


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
