"""Evaluating rules against stored facts and settling the result into alert changes.

Callers hold the subject locks of the groups they settle (`Stores.lock_subjects`,
docs/adr/0017) for the transaction, so the group's facts read here are the latest
committed and no other evaluation of the group interleaves. An
evaluation covers whole groups (a product and its lots, a recalled batch, a sensor, an
excursion): every open alert of the group's types that no condition holds for resolves.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from lotledger.alerts.adapters.lot_memory import LotMemory
from lotledger.alerts.adapters.unit_of_work import Stores
from lotledger.alerts.domain import climate, lifecycle, rules, triggered
from lotledger.alerts.domain.alert import Change, NewId, fresh_id
from lotledger.alerts.domain.climate_facts import ExcursionRecord, SensorFacts
from lotledger.alerts.domain.conditions import Condition, Evaluation, Scope
from lotledger.alerts.domain.facts import FefoDeviation, LotFacts, Zones
from lotledger.alerts.domain.forecast import ForecastSettings
from lotledger.alerts.domain.levels import product_stock
from lotledger.alerts.domain.rules_config import RulesConfig
from lotledger.alerts.service import forecasting
from lotledger.alerts.service.forecast_pacing import ForecastPacing
from lotledger.alerts.service.recording import Cause, record, record_each
from lotledger.shared.contracts.alerts import AlertType
from lotledger.shared.identifiers import split_batch_id

LOT_TYPES = (AlertType.NEAR_EXPIRY, AlertType.EXPIRED_ON_HAND)
UNEVALUATED = Evaluation(Scope())


@dataclass
class Context:
    """One transaction's evaluation: its stores, its instant, and the settings and zones
    read once for it (`forget_zones` after a location changes)."""

    stores: Stores
    now: datetime
    new_id: NewId = fresh_id
    forecast: ForecastSettings = field(default_factory=ForecastSettings)
    pacing: ForecastPacing | None = None
    """How often stock events run a product's forecast (None: with every batch)."""
    lot_memory: LotMemory | None = None
    """Touched products' lots on hand as earlier batches left them (None: read them all)."""
    touched: dict[str, dict[str, Cause]] = field(default_factory=dict)
    """Lots changed by stock events not yet evaluated, by gtin, in order of their latest
    event."""
    deviations: list[tuple[FefoDeviation, Cause]] = field(default_factory=list)
    """Picks marked as FEFO deviations whose alerts are not yet raised, in event order."""
    _config: RulesConfig | None = field(default=None, repr=False)
    _zones: Zones | None = field(default=None, repr=False)

    async def config(self) -> RulesConfig:
        if self._config is None:
            self._config = (await self.stores.rules.get()).config
        return self._config

    async def zones(self) -> Zones:
        if self._zones is None:
            self._zones = await self.stores.catalog.zones()
        return self._zones

    def forget_zones(self) -> None:
        self._zones = None


async def products(
    ctx: Context,
    wanted: Mapping[str, Iterable[str]],
    *,
    every_lot: bool = True,
    lots: Mapping[str, Sequence[LotFacts]] | None = None,
    forecast: Collection[str] | None = None,
) -> dict[str, Evaluation]:
    """Each product's lots on hand (expiry rules), its levels per warehouse (stock
    rules) and its forecast per warehouse (expiry_risk, reorder_suggested), the facts of
    all of them read at once. A product's batch ids name batch groups to cover whatever
    their stock: the batch an event just changed, groups with open alerts. A lot without
    stock and not named has no condition and no open alert to resolve, so leaving it out
    changes nothing. With `every_lot=False` the expiry rules judge the named batches only:
    a lot's expiry conditions depend on its own facts, the product's thresholds and the
    day, so after stock events a lot they did not touch has not changed (a new day is the
    sweep's, new thresholds the catalog's, and both judge every lot). `lots`, when
    given, are the products' lots as `LotFactsStore.lots_of` read them for `wanted` in this
    transaction. `forecast`, when given, names the products whose forecast rules are
    evaluated (`service.forecast_pacing`); the others' open forecast alerts are left as
    they are."""
    named = {gtin: sorted(set(batches)) for gtin, batches in wanted.items()}
    if not named:
        return {}
    if lots is None:
        lots = await ctx.stores.lots.lots_of(
            {gtin: [split_batch_id(b)[1] for b in batches] for gtin, batches in named.items()}
        )
    thresholds = await ctx.stores.catalog.thresholds_of(named)
    zones, config = await ctx.zones(), await ctx.config()
    stocked_in = await ctx.stores.lots.stocked_in(named)
    forecasts = await forecasting.evaluate(
        ctx.stores,
        {gtin: lots[gtin] for gtin in named if forecast is None or gtin in forecast},
        thresholds,
        zones,
        ctx.now,
        ctx.forecast,
    )
    out: dict[str, Evaluation] = {}
    for gtin, batches in named.items():
        chosen = set(batches)
        limits = thresholds.get(gtin)
        stock = product_stock(gtin, lots[gtin], stocked_in[gtin], zones, ctx.now, limits)
        judged = lots[gtin] if every_lot else [lot for lot in lots[gtin] if lot.batch_id in chosen]
        out[gtin] = Evaluation.merge(
            [
                *(rules.evaluate_lot(lot, limits, zones, config, ctx.now) for lot in judged),
                *(Evaluation(Scope.of(batch, *LOT_TYPES)) for batch in batches),
                rules.evaluate_stock(stock, limits),
                forecasts.get(gtin, UNEVALUATED),
            ]
        )
    return out


async def product(ctx: Context, gtin: str, batches: Iterable[str] = ()) -> Evaluation:
    return (await products(ctx, {gtin: batches}))[gtin]


async def recall(ctx: Context, gtin: str, lot: str) -> Evaluation:
    """The recall condition of a recalled batch; nothing for a batch never recalled."""
    facts = await ctx.stores.recalls.recall(gtin, lot)
    lots = await ctx.stores.lots.lots([(gtin, lot)]) if facts else []
    if facts is None or not lots:
        return Evaluation(Scope())
    return triggered.recall(facts, lots[0])


async def sensors(ctx: Context, facts: Iterable[SensorFacts]) -> Evaluation:
    """Silence (at the cadence its location's state asks for) and calibration of each."""
    facts = list(facts)
    config, zones = await ctx.config(), await ctx.zones()
    out = await ctx.stores.climate.out_of_range(s.location for s in facts)
    return Evaluation.merge(
        climate.sensor_silent(s, config, ctx.now, s.location in out)
        | climate.calibration_overdue(s, zones, ctx.now)
        for s in facts
    )


async def locations(ctx: Context, ids: Iterable[str]) -> Evaluation:
    """Whether each location holding stock is watched by a temperature sensor."""
    watches = await ctx.stores.climate.watches(ids)
    return Evaluation.merge(climate.unwatched(w) for w in watches)


async def excursions(ctx: Context, records: Iterable[ExcursionRecord]) -> Evaluation:
    config = await ctx.config()
    return Evaluation.merge(
        climate.temperature_excursion(r, config, ctx.now)
        | climate.humidity_excursion(r, config, ctx.now)
        for r in records
    )


async def settle(ctx: Context, evaluation: Evaluation, cause: Cause) -> list[Change]:
    """Reconcile the open alerts of the evaluation's scope with its conditions."""
    opened = await ctx.stores.alerts.open_in(evaluation.scope)
    changes = lifecycle.reconcile(
        opened, evaluation.conditions, evaluation.scope, ctx.now, ctx.new_id
    )
    return await record(ctx.stores, changes, cause)


async def settle_each(ctx: Context, settled: Sequence[tuple[Evaluation, Cause]]) -> list[Change]:
    """`settle` each evaluation with its cause, the open alerts of all of them read at
    once; the scopes must not overlap (one evaluation per product)."""
    if not settled:
        return []
    opened = await ctx.stores.alerts.open_in(
        Evaluation.merge(evaluation for evaluation, _ in settled).scope
    )
    return await record_each(
        ctx.stores,
        [
            (change, cause)
            for evaluation, cause in settled
            for change in lifecycle.reconcile(
                opened, evaluation.conditions, evaluation.scope, ctx.now, ctx.new_id
            )
        ],
    )


async def trigger(ctx: Context, condition: Condition, cause: Cause) -> list[Change]:
    """Raise the alert an event calls for (id derived from the event), or refresh the
    open one of its key."""
    return await trigger_each(ctx, [(condition, cause)])


async def trigger_each(ctx: Context, triggered: Sequence[tuple[Condition, Cause]]) -> list[Change]:
    """`trigger` each condition with its cause, the open alerts of all of them read at
    once; their keys must differ (each is derived from its own event)."""
    keys = [condition.key for condition, _ in triggered]
    if len(set(keys)) != len(keys):
        raise ValueError("event-triggered conditions in one call need distinct keys")
    if any(cause.causation_id is None for _, cause in triggered):
        raise ValueError("an event-triggered alert needs the event's id")
    scope = Scope()
    for key in keys:
        scope |= Scope.of(key.group, key.alert_type)
    opened = await ctx.stores.alerts.open_in(scope)
    return await record_each(
        ctx.stores,
        [
            (change, cause)
            for condition, cause in triggered
            if cause.causation_id is not None
            for change in lifecycle.raise_on_event(opened, condition, cause.causation_id, ctx.now)
        ],
    )
