"""inventory's outbox relay: the shared relay (`lotledger.shared.relay`) over the
inventory schema's outbox, publishing stock and catalog events; while active it also
signs a checkpoint every `checkpoint_interval_s` when events arrived."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import structlog
from prometheus_client import Counter

from lotledger.inventory.adapters.checkpoints import CheckpointStore
from lotledger.inventory.adapters.signing import Signer
from lotledger.inventory.service.checkpoints import create_checkpoint
from lotledger.inventory.settings import InventorySettings
from lotledger.shared.contracts.topics import CATALOG, STOCK
from lotledger.shared.db import driver_connect
from lotledger.shared.relay import OutboxRelay, RelayConfig
from lotledger.shared.runner import sleep_or_stop

log = structlog.get_logger("lotledger.relay")

LOCK_KEY = 0x6C6F746C65646765  # "lotledge"
PUBLISHED = Counter("lotledger_relay_published_total", "Events published by the relay")
RECOVERED = Counter(
    "lotledger_relay_recovered_total", "Events found already published during recovery"
)


class Relay(OutboxRelay):
    def __init__(self, settings: InventorySettings, idle_wait_s: float = 1.0) -> None:
        super().__init__(
            settings,
            RelayConfig(
                name="lotledger-relay",
                database_url=settings.inventory_database_url,
                schema=settings.inventory_db_schema,
                topics=(settings.topic(STOCK), settings.topic(CATALOG)),
                lock_key=LOCK_KEY,
                batch_size=settings.relay_batch_size,
                published=PUBLISHED,
                recovered=RECOVERED,
            ),
            idle_wait_s,
        )
        self.inventory = settings

    async def while_active(self, stop: asyncio.Event) -> None:
        settings = self.inventory
        signer = Signer.from_seed(settings.checkpoint_key.get_secret_value())
        while not stop.is_set():
            await sleep_or_stop(stop, settings.checkpoint_interval_s)
            if stop.is_set():
                return
            try:
                conn = await driver_connect(
                    settings.inventory_database_url,
                    settings.inventory_db_schema,
                    "lotledger-checkpoint",
                )
                try:
                    created = await create_checkpoint(
                        CheckpointStore(conn), signer, datetime.now(UTC)
                    )
                finally:
                    await conn.close()
                if created:
                    log.info("checkpoint_signed", checkpoint=created)
            except Exception as exc:
                log.warning("checkpoint_failed", error=str(exc))
