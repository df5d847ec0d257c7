"""Stock events into facts, then the rules they affect, in the projector's transaction.

Idempotent: a batch's stream version is stored with its facts, and an event whose version
is not above it has been applied before and changes nothing. Events of one batch arrive
in stream order (one key, one partition), so versions only move forward.

After each event: subscribers to its type get a webhook delivery of the event itself and
a recall raises its alert (id derived from the event). When the batch of records has been
applied (`evaluate_touched`): each pick marked `fefo_deviation` raises one, naming the
earlier lots available then, and the product's expiry and level rules and the batch's
recall condition are evaluated once per product, so a product with thousands of lots on
hand costs one evaluation per batch, not one per event. The touched products' lots are
read once for both: only the lots touched, for a product the context's `lot_memory`
knows. The forecast rules run as the context's pacing allows
(`service.forecast_pacing`); `forecast_deferred` runs those it put off.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import structlog

from lotledger.alerts.domain import triggered
from lotledger.alerts.domain.facts import FefoDeviation, LotFacts
from lotledger.alerts.service import evaluation as ev
from lotledger.alerts.service import forecasting
from lotledger.alerts.service.recording import Cause
from lotledger.shared.contracts import stock as s
from lotledger.shared.contracts.holdings import AVAILABLE, holding_deltas
from lotledger.shared.contracts.stock import HoldingStatus
from lotledger.shared.envelope import CloudEvent
from lotledger.shared.identifiers import batch_id, warehouse_of

log = structlog.get_logger("lotledger.alerts.stock")

STATUS_OF: dict[type[s.StockEvent], s.BatchStatus] = {
    s.Released: s.BatchStatus.AVAILABLE,
    s.Quarantined: s.BatchStatus.QUARANTINED,
    s.Rejected: s.BatchStatus.REJECTED,
    s.Recalled: s.BatchStatus.RECALLED,
}


async def _apply_facts(ctx: ev.Context, event: s.StockEvent, version: int) -> None:
    """Quantities per location follow the holdings (`holding_deltas`): every change adds
    to the location's stock, and a change of a holding other than available to its held
    part (docs/adr/0011-holdings.md)."""
    lots, recalls = ctx.stores.lots, ctx.stores.recalls
    gtin, lot = event.gtin, event.lot
    status = STATUS_OF.get(type(event))
    if isinstance(event, s.Received):
        await lots.received(gtin, lot, event.expiry, event.status, version)
    by_location: dict[str, list[int]] = {}
    for location, holding, delta in holding_deltas(event):
        change = by_location.setdefault(location, [0, 0])
        change[0] += delta
        change[1] += 0 if holding is AVAILABLE else delta
    for location, (delta, held) in by_location.items():
        if delta or held:
            await lots.add(gtin, lot, location, delta, held)
    match event:
        case s.Received() | s.Returned():
            status = event.status
    await _forecast_facts(ctx, event)
    match event:
        case s.Picked():
            await recalls.shipped(
                gtin, lot, event.ship_to, warehouse_of(event.location), event.qty, 0
            )
        case s.Returned():
            await recalls.shipped(
                gtin, lot, event.from_party, warehouse_of(event.location), 0, event.qty
            )
        case s.Recalled():
            await recalls.recalled(
                gtin, lot, event.recall_id, event.recall_class, event.reason, event.at
            )
    await lots.advance(gtin, lot, version, status)


async def _forecast_facts(ctx: ev.Context, event: s.StockEvent) -> None:
    """Receipts (cost, first and latest per warehouse), shipments to consignees from the
    available holding (a pick from a rejected holding goes back to the supplier: not
    demand) and disposals, each on the local day of `at` in its warehouse."""
    forecast = ctx.stores.forecast
    match event:
        case s.Received():
            warehouse = warehouse_of(event.location)
            day = (await ctx.zones()).today(warehouse, event.at)
            cost = (
                (event.unit_cost, event.currency)
                if event.unit_cost is not None and event.currency
                else None
            )
            await forecast.received(
                event.gtin, event.lot, warehouse, day, event.expiry, event.qty, cost
            )
        case s.Picked() if event.holding_status in (None, HoldingStatus.AVAILABLE):
            warehouse = warehouse_of(event.location)
            day = (await ctx.zones()).today(warehouse, event.at)
            await forecast.shipped(event.gtin, warehouse, day, event.qty)
        case s.Disposed():
            warehouse = warehouse_of(event.location)
            day = (await ctx.zones()).today(warehouse, event.at)
            await forecast.disposed(event.gtin, event.lot, warehouse, day, event.reason, event.qty)


async def _triggered(ctx: ev.Context, envelope: CloudEvent, event: s.StockEvent) -> None:
    cause = Cause(str(envelope.id), envelope.correlationid)
    if isinstance(event, s.Recalled):
        facts = await ctx.stores.recalls.recall(event.gtin, event.lot)
        (lot,) = await ctx.stores.lots.lots([(event.gtin, event.lot)])
        assert facts is not None
        await ev.trigger(ctx, triggered.recall_raised(facts, lot), cause)
    elif isinstance(event, s.Picked) and event.fefo_deviation:
        ctx.deviations.append((FefoDeviation.from_picked(str(envelope.id), event), cause))


async def _raise_deviations(ctx: ev.Context, lots: Mapping[str, Sequence[LotFacts]]) -> None:
    """Each deviation names the earlier lots among its product's `lots`: the lots with
    stock after the batch was applied, and the lots it touched."""
    deviations, ctx.deviations = ctx.deviations, []
    if not deviations:
        return
    zones = await ctx.zones()
    products = {gtin: triggered.ProductLots(lots[gtin]) for gtin in {d.gtin for d, _ in deviations}}
    await ev.trigger_each(
        ctx,
        [(triggered.fefo_deviation(d, products[d.gtin], zones), cause) for d, cause in deviations],
    )


async def apply_stock_facts(ctx: ev.Context, envelope: CloudEvent, event: s.StockEvent) -> bool:
    """Apply one stock event's facts only; returns False when it was seen before (or is
    unusable)."""
    stored = await ctx.stores.lots.version(event.gtin, event.lot)
    version = envelope.streamversion
    if stored is not None and version is not None and version <= stored:
        return False
    if stored is None and not isinstance(event, s.Received):
        log.warning("stock_event_for_unknown_batch", event_id=str(envelope.id), type=envelope.type)
        return False
    await _apply_facts(ctx, event, version if version is not None else (stored or 0) + 1)
    return True


async def apply_stock_event(ctx: ev.Context, envelope: CloudEvent, event: s.StockEvent) -> bool:
    """Apply one stock event; returns False when it was seen before (or is unusable)."""
    if not await apply_stock_facts(ctx, envelope, event):
        return False
    await ctx.stores.deliveries.enqueue_stock(envelope)
    await _triggered(ctx, envelope, event)
    touched = ctx.touched.setdefault(event.gtin, {})
    touched.pop(event.lot, None)
    touched[event.lot] = Cause(str(envelope.id), envelope.correlationid)
    return True


async def evaluate_touched(ctx: ev.Context) -> None:
    """Evaluate each product the applied events changed, once, on its final facts: the
    product's rules caused by its latest event (the expiry rules of the batches changed
    only), each batch's recall condition by the batch's latest event. The batch's FEFO
    deviations are raised first."""
    memory = ctx.lot_memory
    facts = await ctx.stores.lots.lots_of(
        ctx.touched, memory.recall(ctx.touched) if memory is not None else None
    )
    if memory is not None:
        memory.keep(facts)
    await _raise_deviations(ctx, facts)
    touched = [(gtin, lot) for gtin, lots in ctx.touched.items() for lot in lots]
    recalled = await ctx.stores.recalls.recalled_among(touched) if touched else set()
    latest = {gtin: next(reversed(lots.values())) for gtin, lots in ctx.touched.items()}
    evaluations = await ev.products(
        ctx,
        {gtin: [batch_id(gtin, lot) for lot in lots] for gtin, lots in ctx.touched.items()},
        every_lot=False,
        lots=facts,
        forecast=None if ctx.pacing is None else ctx.pacing.now_or_later(latest),
    )
    await ev.settle_each(ctx, [(evaluations[gtin], latest[gtin]) for gtin in ctx.touched])
    for gtin, lots in ctx.touched.items():
        for lot, cause in lots.items():
            if (gtin, lot) in recalled:
                await ev.settle(ctx, await ev.recall(ctx, gtin, lot), cause)
    ctx.touched.clear()


async def forecast_deferred(ctx: ev.Context, deferred: Mapping[str, Cause]) -> None:
    """The forecast rules of products whose forecast the pacing deferred, each under the
    cause it was deferred with (the caller holds the products' subject locks)."""
    gtins = sorted(deferred)
    lots = await ctx.stores.lots.lots_of(dict.fromkeys(gtins, ()))
    thresholds = await ctx.stores.catalog.thresholds_of(gtins)
    forecasts = await forecasting.evaluate(
        ctx.stores, lots, thresholds, await ctx.zones(), ctx.now, ctx.forecast
    )
    await ev.settle_each(ctx, [(forecasts[gtin], deferred[gtin]) for gtin in gtins])
