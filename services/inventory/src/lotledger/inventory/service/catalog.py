"""Registering and updating master data: one transaction holding the record, its audit
row and the catalog event for Kafka. Each first holds the stock appends
(`CatalogStore.hold_appends`): an append in flight commits first, and one that decided on
a record this changes decides again. A product's storage class changes only where its
stock still fits (checked under the product's row lock); a location's record carries
every range it has had (decided under the location's row lock)."""

from __future__ import annotations

from lotledger.inventory.adapters.catalog_store import Change
from lotledger.inventory.domain.catalog import ClassRanges, check_storage_class_change
from lotledger.inventory.domain.location_ranges import with_ranges
from lotledger.inventory.service.stock import UnitOfWorkFactory
from lotledger.shared.contracts.catalog import Location, Product, Warehouse


async def save_product(
    uow_factory: UnitOfWorkFactory, product: Product, change: Change, ranges: ClassRanges
) -> bool:
    async with uow_factory() as uow:
        await uow.catalog.hold_appends()
        before = await uow.catalog.product_for_update(product.gtin)
        stocked = await uow.catalog.locations(await uow.catalog.stocked_locations(product.gtin))
        check_storage_class_change(before, product, [s.record for s in stocked.values()], ranges)
        created = await uow.catalog.save_product(product, change)
        await uow.commit()
    return created


async def save_location(
    uow_factory: UnitOfWorkFactory, location: Location, change: Change
) -> tuple[bool, Location]:
    """(whether it was new, the record as stored: with its ranges in force over time)."""
    async with uow_factory() as uow:
        await uow.catalog.hold_appends()
        before = await uow.catalog.location_for_update(location.location_id)
        location = with_ranges(location, before, change.now)
        created = await uow.catalog.save_location(location, change)
        await uow.commit()
    return created, location


async def save_warehouse(
    uow_factory: UnitOfWorkFactory, warehouse: Warehouse, change: Change
) -> bool:
    async with uow_factory() as uow:
        await uow.catalog.hold_appends()
        created = await uow.catalog.save_warehouse(warehouse, change)
        await uow.commit()
    return created
