"""What the entrypoints need at run time, built once by the composition root."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from lotledger.inventory.adapters.catalog_cache import CatalogCache
from lotledger.inventory.adapters.queries import InventoryQueries
from lotledger.inventory.adapters.unit_of_work import UnitOfWork
from lotledger.inventory.domain.catalog import ClassRanges
from lotledger.inventory.domain.policy import StockPolicy
from lotledger.inventory.settings import InventorySettings
from lotledger.shared.clock import Clock
from lotledger.shared.contracts.topics import SYNC
from lotledger.shared.kafka import LazyProducer


@dataclass
class InventoryRuntime:
    settings: InventorySettings
    clock: Clock
    engine: AsyncEngine
    uow: Callable[..., AbstractAsyncContextManager[UnitOfWork]]
    """`uow()` a transaction; `uow(locking=False)` the optimistic path's autocommit."""
    policy: StockPolicy
    queries: InventoryQueries
    telemetry: LazyProducer
    trusted_keys: dict[str, bytes]
    """Key id → raw Ed25519 public key trusted to sign checkpoints."""
    catalog_cache: CatalogCache

    @property
    def ranges(self) -> ClassRanges:
        return self.policy.ranges

    @property
    def sync_topic(self) -> str:
        return self.settings.topic(SYNC)
