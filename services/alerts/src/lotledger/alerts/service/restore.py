"""Restoring the alerts schema from Kafka (`lotledger-alerts rebuild`): every record's
facts as the projector keeps them, without evaluating a rule at the present (replaying
history at today's instant would raise and resolve what never was), and the alerts
themselves from their own log, `lotledger.alerts.v1`, which carries each change whole:
who acknowledged and resolved them included."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from lotledger.alerts.domain.alert import alert_of
from lotledger.alerts.service import catalog_events, climate_events, stock_events
from lotledger.alerts.service.evaluation import Context
from lotledger.shared.contracts import catalog, excursions, stock, telemetry
from lotledger.shared.contracts.alerts import AlertChanged
from lotledger.shared.contracts.common import Payload
from lotledger.shared.envelope import CloudEvent


async def restore(
    ctx: Context,
    envelope: CloudEvent,
    payload: Payload,
    latest: dict[str, tuple[str, datetime]],
) -> None:
    """Apply one record's facts (readings are gathered in `latest`, see `readings`)."""
    match payload:
        case stock.StockEvent():
            await stock_events.apply_stock_facts(ctx, envelope, payload)
        case catalog.Product():
            await catalog_events.store_product(ctx, envelope, payload)
        case catalog.Location():
            await catalog_events.apply_location(ctx, envelope, payload)
        case catalog.Sensor():
            await catalog_events.store_sensor(ctx, envelope, payload)
        case telemetry.Reading():
            seen = latest.get(payload.sensor)
            if seen is None or seen[1] < payload.at:
                latest[payload.sensor] = (payload.location, payload.at)
        case (
            excursions.ExcursionStarted()
            | excursions.ExcursionEnded()
            | excursions.ExcursionWithdrawn()
        ):
            await climate_events.store_excursion(ctx, payload)
        case AlertChanged():
            await ctx.stores.alerts.restore(alert_of(payload))


async def readings(ctx: Context, latest: Mapping[str, tuple[str, datetime]]) -> None:
    await ctx.stores.climate.readings(latest)
