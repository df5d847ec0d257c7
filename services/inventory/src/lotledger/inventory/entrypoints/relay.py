"""inventory's relay: stock events straight from the event table (read by cursor,
adapters/event_source.py, docs/adr/0014), and catalog events, the checkpointer's signed
statements and sync conflicts from the outbox, each by the shared relay
(`lotledger.shared.relay`). Run as many as wanted: the live ones split each source's
slots (docs/adr/0018-relay-shares.md)."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from prometheus_client import Counter

from lotledger.inventory.adapters.event_source import EVENTS_SOURCE, EventSource
from lotledger.inventory.settings import InventorySettings
from lotledger.shared.contracts.topics import CATALOG, CHECKPOINTS, STOCK, SYNC
from lotledger.shared.relay import OutboxRelay, RelayConfig

LOCK_KEY = 0x6C6F746C65646765  # "lotledge"
EVENTS_LOCK_KEY = 0x6C6F746576656E74  # "lotevent"
PUBLISHED = Counter("lotledger_relay_published_total", "Events published by the relay")
RECOVERED = Counter(
    "lotledger_relay_recovered_total", "Events found already published during recovery"
)


class Relay:
    def __init__(
        self, settings: InventorySettings, idle_wait_s: float = 1.0, rebalance_s: float = 1.0
    ) -> None:
        stock = settings.topic(STOCK)
        outbox = RelayConfig(
            name="lotledger-relay",
            database_url=settings.inventory_database_url,
            schema=settings.inventory_db_schema,
            topics=(settings.topic(CATALOG), settings.topic(CHECKPOINTS), settings.topic(SYNC)),
            lock_key=LOCK_KEY,
            batch_size=settings.relay_batch_size,
            published=PUBLISHED,
            recovered=RECOVERED,
        )
        events = replace(
            outbox,
            name="lotledger-relay-events",
            topics=(stock,),
            default_topic=stock,
            lock_key=EVENTS_LOCK_KEY,
            source=EventSource,
            source_name=EVENTS_SOURCE,
        )
        self.outbox = OutboxRelay(settings, outbox, idle_wait_s, rebalance_s)
        self.events = OutboxRelay(settings, events, idle_wait_s, rebalance_s)

    async def run(self, stop: asyncio.Event) -> None:
        """Both sources until `stop`; either failing stops the other (the process exits
        for its supervisor to restart it)."""
        async with asyncio.TaskGroup() as group:
            group.create_task(self.events.run(stop))
            group.create_task(self.outbox.run(stop))
