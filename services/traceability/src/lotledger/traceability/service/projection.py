"""The traceability projection (the shared `Projection` protocol): stock, catalog and
telemetry records into the read models, inside the transaction the `Projector` opens and
commits together with the consumer positions.

Within a batch the catalog copy is written first, then stock, then telemetry, so a
reading is judged against ranges and residence at least as recent as the batch. Every
write is a bulk statement. Handlers are idempotent on their own as well: a stock event
whose version the lot already has, a reading already stored, a catalog record older than
the stored one change nothing. With `publish` off (a rebuild) nothing enters the outbox.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from lotledger.shared.contracts.telemetry import Reading
from lotledger.shared.db import driver_of
from lotledger.shared.projection import Record
from lotledger.traceability.adapters.catalog_store import CatalogStore
from lotledger.traceability.adapters.checkpoint_store import CheckpointStore
from lotledger.traceability.adapters.climate_store import ClimateStore
from lotledger.traceability.adapters.lot_store import LotStore
from lotledger.traceability.adapters.outbox_writer import OutboxWriter
from lotledger.traceability.adapters.records import Decoded, StockRecord, Topics, decode
from lotledger.traceability.service.checkpoints import received
from lotledger.traceability.service.climate_batch import ClimateBatch, state_keys
from lotledger.traceability.service.excursion_events import excursion_event, exposed_lots
from lotledger.traceability.service.lot_batch import LotBatch

CONSUMER = "traceability"


class TraceabilityProjection:
    consumer = CONSUMER

    def __init__(
        self,
        topics: Topics,
        *,
        grace_minutes: float = 0.0,
        publish_to: str | None = None,
        only: Sequence[str] | None = None,
        trusted_keys: Mapping[str, bytes] | None = None,
    ) -> None:
        self.source = topics
        self.topics: Sequence[str] = list(only) if only is not None else topics.all()
        self.grace_minutes = grace_minutes
        self.publish_to = publish_to
        self.trusted_keys = dict(trusted_keys or {})

    async def apply(self, conn: AsyncConnection, records: Sequence[Record]) -> None:
        driver = await _driver(conn)
        decoded = decode(records, self.source)
        catalog = CatalogStore(driver)
        await catalog.save_products(decoded.products)
        learned = await catalog.save_locations(decoded.locations)
        if decoded.stock:
            await _project_stock(LotStore(driver), decoded.stock)
        if decoded.readings or learned:
            await self._project_climate(driver, catalog, decoded, learned)
        if decoded.checkpoints:
            await CheckpointStore(driver).save(
                [received(c, self.trusted_keys) for c in decoded.checkpoints]
            )

    async def _project_climate(
        self, driver: Any, catalog: CatalogStore, decoded: Decoded, learned: list[str]
    ) -> None:
        store = ClimateStore(driver)
        await store.add_readings(decoded.readings)
        held: list[Reading] = []
        for location in learned:
            held.extend(await store.readings_of(location))
        fresh = set(learned)
        todo = held + [r for r in decoded.readings if r.location not in fresh]
        locations = await catalog.locations(r.location for r in todo)
        batch = ClimateBatch(await store.states(state_keys(todo, locations)), self.grace_minutes)
        batch.feed(todo, locations)
        await store.save_states([batch.states[k] for k in sorted(batch.touched)])
        await store.save_excursions(list(batch.excursions.values()))
        if self.publish_to is None or not batch.emitted:
            return
        events = []
        for emitted in batch.emitted:
            x = emitted.change.excursion
            window_end = x.ended_at or emitted.at
            intervals = await store.residence_at(x.location, x.started_at, window_end)
            events.append((x.location, excursion_event(emitted, exposed_lots(intervals, emitted))))
        await OutboxWriter(driver, self.publish_to).add(events)


async def _project_stock(store: LotStore, records: list[StockRecord]) -> None:
    keys = sorted({(r.event.gtin, r.event.lot) for r in records})
    batch = LotBatch(*await store.load(keys))
    for record in records:
        batch.add(record)
    await store.write(batch)


async def _driver(conn: AsyncConnection) -> Any:
    """The asyncpg connection under `conn`, refusing to run outside its transaction."""
    driver = await driver_of(conn)
    if not driver.is_in_transaction():
        raise RuntimeError("the projection must run inside the projector's transaction")
    return driver
