"""Stores over one connection, and one database transaction per command.

`Stores` binds every store to an asyncpg connection inside a transaction the caller owns
(the projector's, a unit of work's). `UnitOfWork` opens that transaction on a pooled
connection and commits only when told to; leaving without `commit()` rolls back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from lotledger.alerts.adapters.alert_outbox import AlertOutbox
from lotledger.alerts.adapters.alert_store import AlertStore
from lotledger.alerts.adapters.catalog_facts import CatalogFactsStore
from lotledger.alerts.adapters.climate_facts import ClimateFactsStore
from lotledger.alerts.adapters.deliveries import DeliveryStore
from lotledger.alerts.adapters.forecast_facts import ForecastFactsStore
from lotledger.alerts.adapters.forecast_latest import ForecastLatestStore
from lotledger.alerts.adapters.locks import hold_subjects
from lotledger.alerts.adapters.lot_facts import LotFactsStore
from lotledger.alerts.adapters.recall_facts import RecallFactsStore
from lotledger.alerts.adapters.rules_store import RulesStore
from lotledger.alerts.adapters.subscriptions import SubscriptionStore
from lotledger.alerts.adapters.write_behind import WriteBehindConnection
from lotledger.shared.db import Driver, DriverUnitOfWork, driver_of
from lotledger.shared.idempotency import IdempotencyStore


@dataclass
class Stores:
    conn: WriteBehindConnection
    lots: LotFactsStore
    recalls: RecallFactsStore
    catalog: CatalogFactsStore
    climate: ClimateFactsStore
    alerts: AlertStore
    outbox: AlertOutbox
    deliveries: DeliveryStore
    subscriptions: SubscriptionStore
    rules: RulesStore
    idempotency: IdempotencyStore
    forecast: ForecastFactsStore
    forecast_latest: ForecastLatestStore
    held: frozenset[str] = field(default_factory=frozenset)
    """The subject locks this transaction holds (`lock_subjects`)."""

    @classmethod
    def on(cls, driver: Driver) -> Stores:
        """Stores over `driver` through one `WriteBehindConnection`: the caller `flush`es
        before it commits."""
        conn = WriteBehindConnection(driver)
        return cls(
            conn,
            LotFactsStore(conn),
            RecallFactsStore(conn),
            CatalogFactsStore(conn),
            ClimateFactsStore(conn),
            AlertStore(conn),
            AlertOutbox(conn),
            DeliveryStore(conn),
            SubscriptionStore(conn),
            RulesStore(conn),
            IdempotencyStore(conn, "alerts"),
            ForecastFactsStore(conn),
            ForecastLatestStore(conn),
        )

    @classmethod
    async def within(cls, conn: AsyncConnection) -> Stores:
        """Stores on the driver under `conn`, inside `conn`'s transaction. SQLAlchemy
        begins a transaction on the driver only with its first statement, so one is sent
        through it first, unless it has (the projector's position locks): otherwise the
        stores' statements would each commit on their own, apart from the consumer
        positions written later."""
        driver = await driver_of(conn)
        if not driver.is_in_transaction():
            await conn.execute(text("SELECT 1"))
        if not driver.is_in_transaction():
            raise RuntimeError("stores need a connection inside a transaction")
        return cls.on(driver)

    async def flush(self) -> None:
        """Send the fact writes held back (`adapters.write_behind`)."""
        await self.conn.flush()

    async def lock_subjects(self, keys: Iterable[str]) -> None:
        """Serialise with every other evaluation of these subjects (`domain.lock_keys`) until
        this transaction ends. Taken once, all up front: a second call with a key not yet
        held could wait for a transaction that waits for this one, and is refused."""
        wanted = frozenset(keys)
        if self.held and not wanted <= self.held:
            raise RuntimeError("subject locks are taken once per transaction, all up front")
        if not self.held:
            await hold_subjects(self.conn, wanted)
            self.held = wanted


class UnitOfWork(DriverUnitOfWork):
    stores: Stores

    def bind(self, driver: Driver) -> None:
        self.stores = Stores.on(driver)

    async def commit(self) -> None:
        await self.stores.flush()
        await super().commit()
