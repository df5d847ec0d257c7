"""What the stock path (`stock.submit`, `attempt`, `loading`) needs of a unit of work, and
nothing more. The database's unit (`adapters.unit_of_work.UnitOfWork`) is one, and so is
the in-memory unit of the unit tests: mypy checks both against these Protocols, so a fake
that drifts from the stores it stands for fails the type check rather than passing tests
the real stores would fail."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Protocol

from lotledger.inventory.adapters.append_statement import Appended
from lotledger.inventory.adapters.catalog_cache import CatalogReads
from lotledger.inventory.adapters.pick_probes import PickProbe, Probed
from lotledger.inventory.adapters.unit_of_work import UnitOfWork
from lotledger.inventory.domain.batch import BatchState
from lotledger.inventory.domain.timeline import Stamped
from lotledger.shared.idempotency import StoredResponse


class BatchStore(Protocol):
    """Batches, probes and the one append (`adapters.event_store.EventStore`)."""

    async def probe(self, probes: Sequence[PickProbe], /) -> Probed: ...
    async def read(
        self, batch_ids: Sequence[str], probes: Sequence[PickProbe], /
    ) -> tuple[list[BatchState], Probed]: ...
    async def lock(self, batch_ids: Sequence[str], /) -> list[BatchState]: ...
    async def append(self, appended: Appended, /) -> None: ...
    async def histories(
        self, batch_ids: Sequence[str], since: datetime, /
    ) -> dict[str, list[Stamped]]: ...
    async def shipped(self, pairs: Sequence[tuple[str, str]], /) -> dict[tuple[str, str], int]: ...


class Answers(Protocol):
    """Answers stored under idempotency keys (`shared.idempotency.IdempotencyStore`)."""

    async def find(self, principal: str, keys: Sequence[str], /) -> dict[str, StoredResponse]: ...
    async def remember(
        self, principal: str, entries: Sequence[tuple[str, StoredResponse]], /
    ) -> None: ...


class StockUnit(Protocol):
    """One try's transaction: locking (everything commits on `commit`) or optimistic (the
    append commits on its own)."""

    @property
    def locking(self) -> bool: ...
    @property
    def store(self) -> BatchStore: ...
    @property
    def idempotency(self) -> Answers: ...
    @property
    def catalog(self) -> CatalogReads: ...
    async def commit(self) -> None: ...


def database_unit(uow: StockUnit) -> UnitOfWork:
    """The database's unit behind `uow`, for an `Also` that writes through its other
    stores (serials, sync conflicts), which a unit running only the stock path lacks."""
    if not isinstance(uow, UnitOfWork):
        raise TypeError(f"this needs the database's unit of work, not {type(uow).__name__}")
    return uow


StockUnitFactory = Callable[..., AbstractAsyncContextManager[StockUnit]]
"""Called with `locking=False` for the optimistic first attempt, with `locking=True` for a
transaction that locks what it reads."""
