"""An in-memory unit of work for the write path's service (`stock.submit`): batches, FEFO
probes over available holdings, the optimistic append's version check, stored
idempotency answers, the append's check of the catalog versions it read. Writes of a
locking unit apply on `commit()`; an optimistic unit's append applies at once (its
statement commits on its own). mypy checks it against what the service needs
(`service.units.StockUnit`), so it cannot drift from the real stores' signatures."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import TracebackType

import asyncpg

from lotledger.inventory.adapters.append_statement import Appended, BatchChanged, CatalogChanged
from lotledger.inventory.adapters.catalog_store import Stored
from lotledger.inventory.adapters.envelopes import SignedEvent
from lotledger.inventory.adapters.pick_probes import PickProbe, Probed
from lotledger.inventory.domain.batch import BatchState
from lotledger.inventory.domain.catalog import pickable
from lotledger.inventory.domain.timeline import Stamped
from lotledger.shared.contracts.catalog import Location, Product, Warehouse
from lotledger.shared.contracts.stock import BatchStatus
from lotledger.shared.idempotency import DuplicateKey, StoredResponse
from lotledger.shared.identifiers import warehouse_of
from tests.unit.inventory.fixtures import LOCATIONS, PRODUCTS


@dataclass
class Database:
    batches: dict[str, BatchState] = field(default_factory=dict)
    events: list[SignedEvent] = field(default_factory=list)
    answers: dict[tuple[str, str], StoredResponse] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)
    """What each unit did: `begin optimistic|locking`, `read`, `probe <limits>`, `lock`,
    `append`, `commit`."""
    locations: dict[str, Location] = field(default_factory=lambda: dict(LOCATIONS))
    """The catalog's locations as committed."""
    versions: dict[tuple[str, str], int] = field(default_factory=dict)
    """Catalog records' versions, by (kind, key): 1 unless a test changed the record."""

    def version(self, kind: str, key: str, exists: bool) -> int:
        return self.versions.get((kind, key), 1) if exists else 0

    appended: list[Appended] = field(default_factory=list)
    """Every append's statement input, committed or not, in order."""
    before_append: list[Callable[[Database], None]] = field(default_factory=list)
    """Run one per append, in order, just before it: a concurrent writer committing."""
    before_read: list[Callable[[Database], None]] = field(default_factory=list)
    """Run one per read or lock of batches, in order, just before it."""

    def put(self, *states: BatchState) -> None:
        for s in states:
            self.batches[s.batch_id] = s

    def factory(self, locking: bool = True) -> FakeUnitOfWork:
        return FakeUnitOfWork(self, locking)

    def probed(self, probes: Sequence[PickProbe]) -> Probed:
        self.log.append("probe " + ",".join(str(p.limit) for p in probes))
        result = Probed({}, set(), [], {})
        for i, p in enumerate(probes):
            before = self.batches[p.batch_id].expiry if p.batch_id in self.batches else p.expiry
            rows = sorted(
                (s.expiry, s.lot, s)
                for s in self.batches.values()
                if s.gtin == p.gtin
                and s.status is BatchStatus.AVAILABLE
                and s.expiry is not None
                and s.expiry >= p.earliest_expiry
                and (p.batch_id is None or (before is not None and s.expiry < before))
                and s.batch_id != p.batch_id
                for loc in s.on_hand
                if warehouse_of(loc) == p.warehouse
                and pickable(self.locations[loc])
                and s.at(loc) > 0
                and (p.location is None or loc == p.location)
            )[: p.limit]
            for _, _, s in rows:
                if p.batch_id is None:
                    ids = result.fefo_candidates.setdefault(i, [])
                    if s.batch_id not in ids:
                        ids.append(s.batch_id)
                        result.candidates[s.batch_id] = s
                else:
                    result.earlier.append(s)
            if p.batch_id is None and len(rows) >= p.limit:
                result.truncated.add(i)
        return result


class FakeStore:
    def __init__(self, unit: FakeUnitOfWork) -> None:
        self._unit = unit
        self._db = unit.db

    async def probe(self, probes: Sequence[PickProbe]) -> Probed:
        return self._db.probed(probes)

    async def read(
        self, batch_ids: Sequence[str], probes: Sequence[PickProbe]
    ) -> tuple[list[BatchState], Probed]:
        if self._db.before_read:
            self._db.before_read.pop(0)(self._db)
        self._db.log.append("read")
        named = [self._db.batches[b] for b in sorted(set(batch_ids)) if b in self._db.batches]
        return named, self._db.probed(probes)

    async def lock(self, batch_ids: Sequence[str]) -> list[BatchState]:
        if self._db.before_read:
            self._db.before_read.pop(0)(self._db)
        self._db.log.append("lock")
        return [self._db.batches[b] for b in sorted(set(batch_ids)) if b in self._db.batches]

    async def append(self, appended: Appended) -> None:
        if self._db.before_append:
            self._db.before_append.pop(0)(self._db)
        self._db.log.append("append")
        self._db.appended.append(appended)
        for batch, version in appended.loaded_versions.items():
            current = self._db.batches.get(batch)
            if (current.version if current else 0) != version:
                raise BatchChanged(f"batch {batch} changed")
        for kind, key, version in appended.catalog:
            exists = key in (PRODUCTS if kind == "product" else self._db.locations)
            if self._db.version(kind, key, exists and kind != "warehouse") != version:
                raise CatalogChanged(f"{kind} {key} changed")
        for state in appended.states:
            if (
                state.batch_id not in appended.loaded_versions
                and state.batch_id in self._db.batches
            ):
                raise asyncpg.UniqueViolationError(f"batch {state.batch_id} exists")
        for principal, key, response in appended.keys:
            self._unit.remember_one(principal, key, response)
        self._unit.stage(lambda db: db.put(*appended.states))
        self._unit.stage(lambda db: db.events.extend(appended.envelopes))
        if not self._unit.locking:
            self._unit.apply()

    async def histories(
        self, batch_ids: Sequence[str], since: datetime
    ) -> dict[str, list[Stamped]]:
        return {b: [] for b in batch_ids}

    async def shipped(self, pairs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], int]:
        return {}


class FakeIdempotency:
    def __init__(self, unit: FakeUnitOfWork) -> None:
        self._unit = unit

    async def find(self, principal: str, keys: Sequence[str]) -> dict[str, StoredResponse]:
        answers = self._unit.db.answers
        return {k: answers[principal, k] for k in keys if (principal, k) in answers}

    async def remember(self, principal: str, entries: Sequence[tuple[str, StoredResponse]]) -> None:
        for key, response in entries:
            self._unit.remember_one(principal, key, response)
        if not self._unit.locking:
            self._unit.apply()


class FakeCatalog:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def products(self, gtins: Sequence[str]) -> dict[str, Stored[Product]]:
        return {
            g: Stored(PRODUCTS[g], self._db.version("product", g, True))
            for g in gtins
            if g in PRODUCTS
        }

    async def locations(self, ids: Sequence[str]) -> dict[str, Stored[Location]]:
        found = self._db.locations
        return {
            i: Stored(found[i], self._db.version("location", i, True)) for i in ids if i in found
        }

    async def warehouses(self, ids: Sequence[str]) -> dict[str, Stored[Warehouse]]:
        return {}


class FakeUnitOfWork:
    def __init__(self, db: Database, locking: bool) -> None:
        self.db = db
        self.locking = locking
        self.store = FakeStore(self)
        self.idempotency = FakeIdempotency(self)
        self.catalog = FakeCatalog(db)
        self._staged: list[Callable[[Database], None]] = []

    def stage(self, write: Callable[[Database], None]) -> None:
        self._staged.append(write)

    def remember_one(self, principal: str, key: str, response: StoredResponse) -> None:
        if (principal, key) in self.db.answers:
            raise DuplicateKey(key)
        self.stage(lambda db: db.answers.__setitem__((principal, key), response))

    def apply(self) -> None:
        for write in self._staged:
            write(self.db)
        self._staged.clear()

    async def commit(self) -> None:
        self.db.log.append("commit")
        self.apply()

    async def __aenter__(self) -> FakeUnitOfWork:
        self.db.log.append("begin " + ("locking" if self.locking else "optimistic"))
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._staged.clear()


def bumped(batch_id: str) -> Callable[[Database], None]:
    """A concurrent writer: one more version of `batch_id`, nothing else changed."""

    def write(db: Database) -> None:
        state = db.batches[batch_id]
        db.batches[batch_id] = replace(state, version=state.version + 1)

    return write
