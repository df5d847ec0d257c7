"""The catalog cache: what it answers without a read, and what makes it read again."""

from __future__ import annotations

from collections.abc import Sequence

from lotledger.inventory.adapters.catalog_cache import CatalogCache
from lotledger.inventory.adapters.catalog_store import Stored
from lotledger.shared.contracts.catalog import Location, Product, Warehouse


class Catalog:
    """Master data that counts the keys each read asked for."""

    def __init__(self) -> None:
        self.records: dict[str, Warehouse] = {}
        self.reads: list[list[str]] = []

    async def products(self, gtins: Sequence[str], /) -> dict[str, Stored[Product]]:
        raise AssertionError("not used")

    async def locations(self, ids: Sequence[str], /) -> dict[str, Stored[Location]]:
        raise AssertionError("not used")

    async def warehouses(self, ids: Sequence[str], /) -> dict[str, Stored[Warehouse]]:
        self.reads.append(list(ids))
        return {i: Stored(self.records[i], 1) for i in ids if i in self.records}


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def warehouse(warehouse_id: str) -> Warehouse:
    return Warehouse(warehouse=warehouse_id, name=warehouse_id)


def listening(clock: Clock | None = None) -> CatalogCache:
    cache = CatalogCache(ttl_s=30.0, clock=clock or Clock())
    cache.listening = True
    return cache


async def test_a_record_read_once_is_answered_from_memory() -> None:
    catalog, cache = Catalog(), listening()
    catalog.records["WH1"] = warehouse("WH1")
    assert (await cache.warehouses(catalog, ["WH1"])).records == {"WH1": catalog.records["WH1"]}
    assert (await cache.warehouses(catalog, ["WH1"])).records == {"WH1": catalog.records["WH1"]}
    assert catalog.reads == [["WH1"]]


async def test_a_key_the_catalog_lacks_is_remembered_as_absent() -> None:
    catalog, cache = Catalog(), listening()
    catalog.records["WH1"] = warehouse("WH1")
    assert (await cache.warehouses(catalog, ["WH1", "WH2"])).records == {
        "WH1": catalog.records["WH1"]
    }
    assert (await cache.warehouses(catalog, ["WH2"])).records == {}
    assert (await cache.warehouses(catalog, ["WH2", "WH1"])).records == {
        "WH1": catalog.records["WH1"]
    }
    assert catalog.reads == [["WH1", "WH2"]]


async def test_a_catalog_change_drops_absences_too() -> None:
    catalog, cache = Catalog(), listening()
    assert (await cache.warehouses(catalog, ["WH2"])).records == {}
    catalog.records["WH2"] = warehouse("WH2")
    cache.invalidate("WH2")
    assert (await cache.warehouses(catalog, ["WH2"])).records == {"WH2": catalog.records["WH2"]}
    assert catalog.reads == [["WH2"], ["WH2"]]


async def test_records_and_absences_expire() -> None:
    clock = Clock()
    catalog, cache = Catalog(), listening(clock)
    catalog.records["WH1"] = warehouse("WH1")
    await cache.warehouses(catalog, ["WH1", "WH2"])
    clock.now = 31.0
    await cache.warehouses(catalog, ["WH1", "WH2"])
    assert catalog.reads == [["WH1", "WH2"], ["WH1", "WH2"]]


async def test_an_answer_carries_every_key_s_version_and_zero_for_an_absent_one() -> None:
    catalog, cache = Catalog(), listening()
    catalog.records["WH1"] = warehouse("WH1")
    first = await cache.warehouses(catalog, ["WH2", "WH1"])
    again = await cache.warehouses(catalog, ["WH1", "WH2"])
    assert first.versions == again.versions == {"WH1": 1, "WH2": 0}


async def test_without_a_live_listener_every_lookup_reads() -> None:
    catalog, cache = Catalog(), CatalogCache()
    await cache.warehouses(catalog, ["WH2"])
    await cache.warehouses(catalog, ["WH2"])
    assert catalog.reads == [["WH2"], ["WH2"]]
