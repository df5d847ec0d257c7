"""The traceability projection (the shared `Projection` protocol): stock, catalog and
telemetry records into the read models, inside the transaction the `Projector` opens and
commits together with the consumer positions.

Within a batch the catalog copy is written first, then stock, then telemetry, so a
reading is judged against ranges and residence at least as recent as the batch; the
climate work is `service/climate.py`'s, under a lock per location it touches (a room's
inputs span partitions that different replicas may own). Every write is a bulk
statement. Handlers are idempotent on their own as well: a stock event whose version the
lot already has, a reading already stored, a catalog record older than the stored one
change nothing. With `publish` off (a rebuild) nothing enters the outbox.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from lotledger.shared.contracts import excursions as contract
from lotledger.shared.db import Driver, driver_of
from lotledger.shared.projection import Record
from lotledger.traceability.adapters.catalog_store import CatalogStore
from lotledger.traceability.adapters.checkpoint_store import CheckpointStore
from lotledger.traceability.adapters.climate_store import ClimateStore
from lotledger.traceability.adapters.lot_store import LotStore
from lotledger.traceability.adapters.outbox_writer import OutboxWriter
from lotledger.traceability.adapters.readings_store import ReadingStore
from lotledger.traceability.adapters.records import StockRecord, Topics, decode
from lotledger.traceability.domain.climate_rules import ClimateRules
from lotledger.traceability.service.checkpoints import received
from lotledger.traceability.service.climate import disturbed, judge
from lotledger.traceability.service.excursion_diff import Publish, Revision
from lotledger.traceability.service.excursion_events import (
    excursion_event,
    exposed_lots,
    exposure_window,
)
from lotledger.traceability.service.lot_batch import LotBatch

CONSUMER = "traceability"
_ORDER = {contract.ENDED: 0, contract.WITHDRAWN: 1, contract.STARTED: 2}
"""Events of a batch go out in the order they happened, however the batch was cut: by
time, an end before a start at the same instant (as the detector emits them)."""


class TraceabilityProjection:
    consumer = CONSUMER

    def __init__(
        self,
        topics: Topics,
        *,
        rules: ClimateRules | None = None,
        publish_to: str | None = None,
        only: Sequence[str] | None = None,
        trusted_keys: Mapping[str, bytes] | None = None,
    ) -> None:
        self.source = topics
        self.topics: Sequence[str] = list(only) if only is not None else topics.all()
        self.rules = rules or ClimateRules()
        self.publish_to = publish_to
        self.trusted_keys = dict(trusted_keys or {})

    async def apply(self, conn: AsyncConnection, records: Sequence[Record]) -> None:
        driver = await _driver(conn)
        decoded = decode(records, self.source)
        catalog = CatalogStore(driver)
        await catalog.save_products(decoded.products)
        locations = await catalog.save_locations(decoded.locations)
        sensors = await catalog.save_sensors(decoded.sensors)
        if decoded.stock:
            await _project_stock(LotStore(driver), decoded.stock)
        work = disturbed(decoded.readings, locations, sensors, self.rules)
        if decoded.readings or work.since:
            climate = ClimateStore(driver)
            await climate.lock_locations(k[0] for k in work.since)
            readings = ReadingStore(driver)
            await readings.add(decoded.readings)
            known = await catalog.locations(k[0] for k in work.since)
            changed = await judge(readings, climate, known, work, self.rules)
            await self._publish(driver, climate, changed)
        if decoded.checkpoints:
            await CheckpointStore(driver).save(
                [received(c, self.trusted_keys) for c in decoded.checkpoints]
            )

    async def _publish(
        self, driver: Driver, climate: ClimateStore, changed: list[Revision]
    ) -> None:
        if self.publish_to is None:
            return
        grace = timedelta(minutes=self.rules.grace_minutes)
        events = []
        for revision in changed:
            x = revision.excursion
            for publish in revision.publish:
                exposed = []
                if publish is not Publish.WITHDRAWN:
                    start, end = exposure_window(x, publish, grace)
                    intervals = await climate.residence_at(x.location, start, end)
                    exposed = exposed_lots(intervals, x, end)
                events.append((x.location, excursion_event(revision, publish, exposed)))
        events.sort(key=lambda e: (e[1].time, _ORDER[e[1].type]))
        await OutboxWriter(driver, self.publish_to).add(events)


async def _project_stock(store: LotStore, records: list[StockRecord]) -> None:
    keys = sorted({(r.event.gtin, r.event.lot) for r in records})
    batch = LotBatch(*await store.load(keys))
    for record in records:
        batch.add(record)
    await store.write(batch)


async def _driver(conn: AsyncConnection) -> Driver:
    """The asyncpg connection under `conn`, refusing to run outside its transaction."""
    driver = await driver_of(conn)
    if not driver.is_in_transaction():
        raise RuntimeError("the projection must run inside the projector's transaction")
    return driver
