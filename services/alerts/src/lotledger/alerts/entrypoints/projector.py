"""The alerts projection: stock (re-keyed by product, `entrypoints/repartition.py`),
catalog, telemetry, excursion and sync topics into the facts the rules read, with the rules
evaluated in the same transaction (DESIGN §4.3, §9). Each member of the group owns the
products of its partitions of the re-keyed stock (docs/adr/0017).

It runs under the shared `Projector`, so facts, lifecycle changes, outbox rows and the
consumer positions commit together: a duplicate or replayed record is skipped by
position, and a record re-published under a new offset is recognised by its stream
version. The batch takes the subject locks of everything it feeds and settles up front
(`service.batch_locks`, docs/adr/0017). A record that is not a readable
CloudEvent of a known type is logged and skipped (before anything is written for it)
rather than blocking its partition.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime

import structlog
from aiokafka import TopicPartition
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncConnection

from lotledger.alerts.adapters.lot_memory import LotMemory
from lotledger.alerts.adapters.unit_of_work import Stores
from lotledger.alerts.domain.alert import NewId, fresh_id
from lotledger.alerts.domain.forecast import DEFAULT_FORECAST, ForecastSettings
from lotledger.alerts.service import (
    batch_locks,
    catalog_events,
    climate_events,
    stock_events,
    suspect_events,
    sync_events,
)
from lotledger.alerts.service.evaluation import Context
from lotledger.alerts.service.forecast_pacing import ForecastPacing
from lotledger.shared.clock import Clock
from lotledger.shared.contracts import catalog, excursions, stock, sync, telemetry, topics
from lotledger.shared.contracts.common import Payload
from lotledger.shared.envelope import CloudEvent
from lotledger.shared.projection import Record
from lotledger.shared.settings import CommonSettings

log = structlog.get_logger("lotledger.alerts.projector")
CONSUMER = "alerts"
GROUP = "lotledger-alerts"

PAYLOADS: dict[str, dict[str, type[Payload]]] = {
    topics.ALERTS_STOCK_BY_PRODUCT: dict(stock.EVENT_TYPES),
    topics.CATALOG: catalog.EVENT_TYPES,
    topics.TELEMETRY: telemetry.EVENT_TYPES,
    topics.EXCURSIONS: excursions.EVENT_TYPES,
    topics.SYNC: sync.EVENT_TYPES,
}
Latest = dict[str, tuple[str, datetime]]


class AlertsProjection:
    consumer = CONSUMER

    def __init__(
        self,
        settings: CommonSettings,
        clock: Clock,
        new_id: NewId = fresh_id,
        forecast: ForecastSettings = DEFAULT_FORECAST,
        pacing: ForecastPacing | None = None,
        lot_memory: LotMemory | None = None,
    ) -> None:
        """`lot_memory`: the touched products' lots kept between batches (None: every
        batch reads all of them)."""
        self.clock = clock
        self.new_id = new_id
        self.forecast = forecast
        self.pacing = pacing
        self.lot_memory = lot_memory
        self._topic = {settings.topic(name): name for name in PAYLOADS}
        self._stock = settings.topic(topics.ALERTS_STOCK_BY_PRODUCT)
        self.topics: Sequence[str] = sorted(self._topic)

    def resume(self, continued: Collection[TopicPartition]) -> None:
        if self.lot_memory is not None:
            self.lot_memory.resume([tp.partition for tp in continued if tp.topic == self._stock])

    def committed(self) -> None:
        if self.lot_memory is not None:
            self.lot_memory.committed()

    def abandoned(self) -> None:
        if self.lot_memory is not None:
            self.lot_memory.abandoned()

    async def apply(self, conn: AsyncConnection, records: Sequence[Record]) -> None:
        stores = await Stores.within(conn)
        parsed: list[tuple[CloudEvent, Payload]] = []
        partition_of: dict[str, int] = {}
        for record in records:
            if (p := self._parse(record)) is not None:
                parsed.append(p)
                if record.topic == self._stock and isinstance(p[1], stock.StockEvent):
                    partition_of[p[1].gtin] = record.partition
        await stores.lock_subjects(await batch_locks.keys_of(stores, parsed))
        if self.lot_memory is not None:
            self.lot_memory.start(partition_of)
        ctx = Context(
            stores, self.clock.now(), self.new_id, self.forecast, self.pacing, self.lot_memory
        )
        latest: Latest = {}
        batches = [(p.gtin, p.lot) for _, p in parsed if isinstance(p, stock.StockEvent)]
        if batches:
            await stores.lots.prefetch_versions(batches)
            await ctx.zones()
            await stores.deliveries.prefetch()
        for envelope, payload in parsed:
            await _apply(ctx, envelope, payload, latest)
        await stock_events.evaluate_touched(ctx)
        await climate_events.apply_readings(ctx, latest)
        await stores.flush()

    def _parse(self, record: Record) -> tuple[CloudEvent, Payload] | None:
        return parse(record, PAYLOADS.get(self._topic.get(record.topic, ""), {}))


def parse(record: Record, known: Mapping[str, type[Payload]]) -> tuple[CloudEvent, Payload] | None:
    """The envelope and payload of a record of a `known` type; None (logged) otherwise."""
    if record.value is None:
        return None
    try:
        envelope = CloudEvent.from_json(record.value)
        model = known.get(envelope.type)
        return None if model is None else (envelope, model.model_validate(envelope.data))
    except (ValidationError, ValueError) as exc:
        log.warning(
            "record_skipped",
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            error=str(exc)[:500],
        )
        return None


async def _apply(ctx: Context, envelope: CloudEvent, payload: Payload, latest: Latest) -> None:
    match payload:
        case stock.StockEvent():
            await stock_events.apply_stock_event(ctx, envelope, payload)
        case catalog.Product():
            await catalog_events.apply_product(ctx, envelope, payload)
        case catalog.Location():
            await catalog_events.apply_location(ctx, envelope, payload)
        case catalog.Sensor():
            await catalog_events.apply_sensor(ctx, envelope, payload)
        case telemetry.Reading():
            seen = latest.get(payload.sensor)
            if seen is None or seen[1] < payload.at:
                latest[payload.sensor] = (payload.location, payload.at)
        case (
            excursions.ExcursionStarted()
            | excursions.ExcursionEnded()
            | excursions.ExcursionWithdrawn()
        ):
            await climate_events.apply_excursion(ctx, envelope, payload)
        case sync.SyncConflictRecorded() | sync.SyncConflictResolved():
            await sync_events.apply_sync(ctx, envelope, payload)
        case sync.SuspectReturnRecorded():
            await suspect_events.apply_suspect_return(ctx, envelope, payload)
