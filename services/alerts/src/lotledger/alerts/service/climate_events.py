"""Telemetry and excursions into facts, then the climate rules they affect.

Readings only ever end a silence here: the projector may be replaying old readings, so
raising sensor_silent is left to the clock sweep, which judges silence at the present.
An excursion's start and end are evaluated at once (a grace period longer than zero
leaves the raise to the sweep as well).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from lotledger.alerts.domain.conditions import Scope
from lotledger.alerts.domain.facts import ExcursionRecord
from lotledger.alerts.service import evaluation as ev
from lotledger.alerts.service.recording import Cause
from lotledger.shared.contracts.alerts import AlertType
from lotledger.shared.contracts.excursions import ExcursionEnded, ExcursionStarted
from lotledger.shared.envelope import CloudEvent


async def apply_readings(ctx: ev.Context, latest: Mapping[str, tuple[str, datetime]]) -> None:
    """`latest`: per sensor, its location and the latest reading time in the batch. Only
    sensors with an open sensor_silent alert are evaluated, so nothing is raised here."""
    if not latest:
        return
    await ctx.stores.climate.readings(latest)
    silent = await ctx.stores.alerts.open_in(
        Scope(groups=frozenset((AlertType.SENSOR_SILENT, s) for s in latest))
    )
    if not silent:
        return
    facts = await ctx.stores.climate.sensors(a.key.subject for a in silent)
    await ev.settle(ctx, await ev.sensors(ctx, facts), Cause())


async def apply_excursion(
    ctx: ev.Context, envelope: CloudEvent, event: ExcursionStarted | ExcursionEnded
) -> None:
    record = (
        ExcursionRecord.from_started(event)
        if isinstance(event, ExcursionStarted)
        else ExcursionRecord.from_ended(event)
    )
    await ctx.stores.climate.save_excursion(record)
    stored = await ctx.stores.climate.excursions([record.excursion_id])
    evaluation = await ev.excursions(ctx, stored)
    await ev.settle(ctx, evaluation, Cause(str(envelope.id), envelope.correlationid))
