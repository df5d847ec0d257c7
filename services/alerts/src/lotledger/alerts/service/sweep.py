"""The clock sweep: time-driven rules re-evaluated at `now` (DESIGN §9: expiry is a matter
of time). Near-expiry tiers, expired-on-hand and stock levels (a lot expiring at
midnight leaves the available stock) per product; silent sensors; excursions older than
the grace period; recalls whose alert may now resolve.

What is swept: every product ever stocked, every sensor, every location holding stock,
every open excursion, and every group holding an open alert of a swept type, so an alert
whose facts have gone resolves.
Groups are settled in chunks, each its own transaction holding the subject locks of its
groups (`chunk_locks`), so a projector or a person acting on one of them waits at most
one chunk, and nobody else waits at all. Sweeping twice at the same instant
changes nothing the second time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from lotledger.alerts.adapters.unit_of_work import UnitOfWork
from lotledger.alerts.domain import lock_keys
from lotledger.alerts.domain.alert import NewId, fresh_id
from lotledger.alerts.domain.conditions import Evaluation, Scope
from lotledger.alerts.domain.forecast import DEFAULT_FORECAST, ForecastSettings
from lotledger.alerts.service import evaluation as ev
from lotledger.alerts.service.recording import Cause
from lotledger.shared.contracts.alerts import AlertType as T
from lotledger.shared.identifiers import split_batch_id

PRODUCT_TYPES = frozenset(
    {
        T.NEAR_EXPIRY,
        T.EXPIRED_ON_HAND,
        T.LOW_STOCK,
        T.STOCK_OUT,
        T.OVERSTOCK,
        T.EXPIRY_RISK,
        T.REORDER_SUGGESTED,
    }
)
EXCURSION_TYPES = frozenset({T.TEMPERATURE_EXCURSION, T.HUMIDITY_EXCURSION})
UnitsOfWork = Callable[[], AbstractAsyncContextManager[UnitOfWork]]


@dataclass(frozen=True)
class Plan:
    products: dict[str, list[str]]
    """gtin → batch groups with open alerts (covered even if their lot is gone)."""
    sensors: list[str]
    locations: list[str]
    """Locations holding stock or with an open unwatched-location alert."""
    excursions: list[str]
    recalls: list[str]


@dataclass(frozen=True)
class SweepReport:
    now: datetime
    groups: int
    changes: dict[str, int]
    """"{change}:{type}" → count."""


async def _plan(uow: UnitOfWork) -> Plan:
    s = uow.stores
    products: dict[str, list[str]] = {gtin: [] for gtin in await s.lots.stocked_products()}
    for _, group in await s.alerts.open_groups(PRODUCT_TYPES):
        gtin, lot = split_batch_id(group)
        products.setdefault(gtin, []).extend([group] if lot else [])
    sensors = {f.sensor for f in await s.climate.sensors()}
    locations = set(await s.climate.stocked_locations())
    excursions = set(await s.climate.open_excursion_ids())
    recalls: set[str] = set()
    for alert_type, group in await s.alerts.open_groups(
        frozenset({T.SENSOR_SILENT, T.RECALL} | EXCURSION_TYPES)
    ):
        if alert_type is T.SENSOR_SILENT:
            (locations if "/" in group else sensors).add(group)
        else:
            (recalls if alert_type is T.RECALL else excursions).add(group)
    return Plan(products, sorted(sensors), sorted(locations), sorted(excursions), sorted(recalls))


def chunk_locks(plan: Plan, items: Sequence[tuple[str, str]]) -> set[str]:
    """The subject locks of a chunk: each product's (its batch groups and recalls share
    it), each sensor's and location's silence, each excursion's two types."""
    keys: set[str] = set()
    for kind, name in items:
        if kind in ("product", "recall"):
            keys.add(lock_keys.product(split_batch_id(name)[0] if kind == "recall" else name))
        elif kind in ("sensor", "location"):
            keys.add(lock_keys.silence(name))
        elif kind == "excursion":
            keys |= lock_keys.excursion(name)
    return keys


async def _evaluate(ctx: ev.Context, plan: Plan, items: Sequence[tuple[str, str]]) -> Evaluation:
    products = await ev.products(
        ctx, {name: plan.products[name] for kind, name in items if kind == "product"}
    )
    evaluations = list(products.values())
    for kind, name in items:
        if kind == "recall":
            evaluations.append(await ev.recall(ctx, *split_batch_id(name)))
    sensors = [name for kind, name in items if kind == "sensor"]
    evaluations.append(await ev.sensors(ctx, await ctx.stores.climate.sensors(sensors)))
    evaluations += [Evaluation(Scope.of(s, T.SENSOR_SILENT)) for s in sensors]
    places = [name for kind, name in items if kind == "location"]
    evaluations.append(await ev.locations(ctx, places))
    evaluations += [Evaluation(Scope.of(p, T.SENSOR_SILENT)) for p in places]
    excursions = [name for kind, name in items if kind == "excursion"]
    evaluations.append(await ev.excursions(ctx, await ctx.stores.climate.excursions(excursions)))
    evaluations += [Evaluation(Scope.of(e, *EXCURSION_TYPES)) for e in excursions]
    return Evaluation.merge(evaluations)


async def sweep_once(
    units: UnitsOfWork,
    now: datetime,
    chunk: int = 500,
    new_id: NewId = fresh_id,
    forecast: ForecastSettings = DEFAULT_FORECAST,
) -> SweepReport:
    """Evaluate every time-driven rule at `now` and settle the changes."""
    async with units() as uow:
        plan = await _plan(uow)
    items = [
        *(("product", gtin) for gtin in sorted(plan.products)),
        *(("sensor", s) for s in plan.sensors),
        *(("location", p) for p in plan.locations),
        *(("excursion", e) for e in plan.excursions),
        *(("recall", r) for r in plan.recalls),
    ]
    counts: Counter[str] = Counter()
    iterator = iter(items)
    while batch := list(islice(iterator, chunk)):
        async with units() as uow:
            await uow.stores.lock_subjects(chunk_locks(plan, batch))
            ctx = ev.Context(uow.stores, now, new_id, forecast)
            changes = await ev.settle(ctx, await _evaluate(ctx, plan, batch), Cause())
            await uow.commit()
        counts.update(f"{c.kind.value}:{c.alert.key.alert_type.value}" for c in changes)
    return SweepReport(now, len(items), dict(counts))
