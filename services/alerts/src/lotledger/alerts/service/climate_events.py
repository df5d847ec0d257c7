"""Telemetry and excursions into facts, then the climate rules they affect.

Readings only ever end a silence here: the projector may be replaying old readings, so
raising sensor_silent is left to the clock sweep, which judges silence at the present.
An excursion's start and end are evaluated at once (a grace period longer than zero
leaves the raise to the sweep as well), and so is the silence of the sensors at its
location, whose cadence it changes. An excursion found late raises its own alert when its
start is published (id derived from that event, so a redelivery raises nothing new) and
is kept up to date by its later events; a withdrawn excursion resolves its alert. The
sensors at its location are those the batch locked (`batch_locks`): a sensor registered
there since is evaluated by its own registration and by the sweep.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from lotledger.alerts.domain import climate, lock_keys
from lotledger.alerts.domain.climate_facts import ExcursionRecord
from lotledger.alerts.domain.conditions import Evaluation, Scope
from lotledger.alerts.service import evaluation as ev
from lotledger.alerts.service.recording import Cause
from lotledger.shared.contracts.alerts import AlertType
from lotledger.shared.contracts.excursions import (
    ExcursionEnded,
    ExcursionStarted,
    ExcursionWithdrawn,
)
from lotledger.shared.envelope import CloudEvent


async def apply_readings(ctx: ev.Context, latest: Mapping[str, tuple[str, datetime]]) -> None:
    """`latest`: per sensor, its location and the latest reading time in the batch. Only
    sensors with an open sensor_silent alert are evaluated, so nothing is raised here."""
    if not latest:
        return
    await ctx.stores.climate.readings(latest)
    await _settle_silent(ctx, latest, Cause())


async def _settle_silent(ctx: ev.Context, sensors: Iterable[str], cause: Cause) -> None:
    """Evaluate those of `sensors` with an open sensor_silent alert (so nothing is raised
    here, only ended or updated)."""
    silent = await ctx.stores.alerts.open_in(
        Scope(groups=frozenset((AlertType.SENSOR_SILENT, s) for s in sensors))
    )
    if not silent:
        return
    facts = await ctx.stores.climate.sensors({a.key.subject for a in silent})
    await ev.settle(ctx, await ev.sensors(ctx, facts), cause)


ExcursionEvent = ExcursionStarted | ExcursionEnded | ExcursionWithdrawn


async def store_excursion(ctx: ev.Context, event: ExcursionEvent) -> None:
    facts = ctx.stores.climate
    if isinstance(event, ExcursionWithdrawn):
        await facts.withdraw(event.excursion_id)
    elif isinstance(event, ExcursionStarted):
        reopens = event.reopened_after is not None
        await facts.save_excursion(ExcursionRecord.from_started(event), reopens)
    else:
        await facts.save_excursion(ExcursionRecord.from_ended(event))


async def apply_excursion(ctx: ev.Context, envelope: CloudEvent, event: ExcursionEvent) -> None:
    cause = Cause(str(envelope.id), envelope.correlationid)
    facts = ctx.stores.climate
    await store_excursion(ctx, event)
    stored = await facts.excursions([event.excursion_id])
    evaluation = await ev.excursions(ctx, stored)
    late = [climate.found_late(r) for r in stored if r.detected_late and not r.withdrawn]
    if isinstance(event, ExcursionStarted):
        for condition in late:
            await ev.trigger(ctx, condition, cause)
    else:
        evaluation = evaluation | Evaluation(evaluation.scope, tuple(late))
    await ev.settle(ctx, evaluation, cause)
    at_location = await facts.sensors_at([event.location])
    held = ctx.stores.held
    await _settle_silent(ctx, [s for s in at_location if lock_keys.silence(s) in held], cause)
