"""inventory's outbox relay: the shared relay (`lotledger.shared.relay`) over the
inventory schema's outbox, publishing stock and catalog events and the checkpointer's
signed statements. Run as many as wanted: the live ones split the outbox's slots
(docs/adr/0018-relay-shares.md)."""

from __future__ import annotations

from prometheus_client import Counter

from lotledger.inventory.settings import InventorySettings
from lotledger.shared.contracts.topics import CATALOG, CHECKPOINTS, STOCK, SYNC
from lotledger.shared.relay import OutboxRelay, RelayConfig

LOCK_KEY = 0x6C6F746C65646765  # "lotledge"
PUBLISHED = Counter("lotledger_relay_published_total", "Events published by the relay")
RECOVERED = Counter(
    "lotledger_relay_recovered_total", "Events found already published during recovery"
)


class Relay(OutboxRelay):
    def __init__(
        self, settings: InventorySettings, idle_wait_s: float = 1.0, rebalance_s: float = 1.0
    ) -> None:
        super().__init__(
            settings,
            RelayConfig(
                name="lotledger-relay",
                database_url=settings.inventory_database_url,
                schema=settings.inventory_db_schema,
                topics=(
                    settings.topic(STOCK),
                    settings.topic(CATALOG),
                    settings.topic(CHECKPOINTS),
                    settings.topic(SYNC),
                ),
                lock_key=LOCK_KEY,
                batch_size=settings.relay_batch_size,
                published=PUBLISHED,
                recovered=RECOVERED,
            ),
            idle_wait_s,
            rebalance_s,
        )
