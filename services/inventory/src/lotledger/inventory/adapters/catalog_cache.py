"""Products, locations and warehouses as last read, so a command does not query master
data on every request. Every catalog change sends a notification (in its transaction, so
it arrives after the commit) and each process drops its cache on it; without a live
listener the cache is bypassed, and entries expire after `ttl_s` regardless.

A key the catalog does not have is remembered as absent too: warehouse records are
optional, and every receipt asked for its warehouse's, so a catalog without them cost a
round trip per receipt (32,000 in three minutes of single POSTs). A record created later
arrives with its notification, which drops the absence with the rest.

Each answer carries the versions of the records it gives (0 for a key the catalog did not
have): an append compares them with the committed ones under the catalog's lock
(`catalog_store.CATALOG_LOCK`), so a record read before a change that committed after
it makes the request decide again, with the cache dropped (`service.attempt`)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

import structlog

from lotledger.inventory.adapters.catalog_store import Stored
from lotledger.shared.contracts.catalog import Location, Product, Warehouse
from lotledger.shared.db import driver_connect

log = structlog.get_logger("lotledger.catalog_cache")
V = TypeVar("V")


class CatalogReads(Protocol):
    """What the cache loads master data from: a unit of work's `CatalogStore`, or a fake."""

    async def products(self, gtins: Sequence[str], /) -> dict[str, Stored[Product]]: ...
    async def locations(self, ids: Sequence[str], /) -> dict[str, Stored[Location]]: ...
    async def warehouses(self, ids: Sequence[str], /) -> dict[str, Stored[Warehouse]]: ...


@dataclass(frozen=True)
class Known(Generic[V]):
    """The records found for the keys asked for, and every key's version (0: absent)."""

    records: dict[str, V] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)


class CatalogCache:
    def __init__(self, ttl_s: float = 30.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_s = ttl_s
        self.clock = clock
        self.listening = False
        self._products: dict[str, tuple[float, Stored[Product] | None]] = {}
        self._locations: dict[str, tuple[float, Stored[Location] | None]] = {}
        self._warehouses: dict[str, tuple[float, Stored[Warehouse] | None]] = {}

    def invalidate(self, *_: object) -> None:
        self._products.clear()
        self._locations.clear()
        self._warehouses.clear()

    async def products(self, store: CatalogReads, gtins: Sequence[str]) -> Known[Product]:
        return await self._get(self._products, gtins, store.products)

    async def locations(self, store: CatalogReads, ids: Sequence[str]) -> Known[Location]:
        return await self._get(self._locations, ids, store.locations)

    async def warehouses(self, store: CatalogReads, ids: Sequence[str]) -> Known[Warehouse]:
        return await self._get(self._warehouses, ids, store.warehouses)

    async def _get(
        self,
        cache: dict[str, tuple[float, Stored[V] | None]],
        keys: Sequence[str],
        load: Callable[[Sequence[str]], Awaitable[dict[str, Stored[V]]]],
    ) -> Known[V]:
        wanted = set(keys)
        if not self.listening:
            return _known(wanted, await load(sorted(wanted)))
        now = self.clock()
        known = {k: hit[1] for k in wanted if (hit := cache.get(k)) and now - hit[0] < self.ttl_s}
        missing = sorted(wanted - set(known))
        if missing:
            loaded = await load(missing)
            for key in missing:
                known[key] = loaded.get(key)
                cache[key] = (now, known[key])
        return _known(wanted, {k: v for k, v in known.items() if v is not None})

    async def listen(self, url: str, schema: str, stop: asyncio.Event) -> None:
        """Keep a LISTEN connection; the cache is used only while it is up."""
        while not stop.is_set():
            try:
                conn = await driver_connect(url, schema, "lotledger-catalog-cache")
            except Exception as exc:
                log.warning("catalog_listener_unavailable", error=str(exc))
            else:
                try:
                    await conn.add_listener(f"{schema}_catalog", self.invalidate)
                    self.invalidate()
                    self.listening = True
                    while not stop.is_set() and not conn.is_closed():
                        with contextlib.suppress(TimeoutError):
                            await asyncio.wait_for(stop.wait(), 1.0)
                finally:
                    self.listening = False
                    self.invalidate()
                    with contextlib.suppress(Exception):
                        await conn.close()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 1.0)


def _known(keys: set[str], found: dict[str, Stored[V]]) -> Known[V]:
    return Known(
        {k: s.record for k, s in found.items()},
        {k: found[k].version if k in found else 0 for k in sorted(keys)},
    )
