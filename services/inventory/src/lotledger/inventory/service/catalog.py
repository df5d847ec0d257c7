"""Registering and updating master data: one transaction holding the record, its audit
row and the catalog event for Kafka."""

from __future__ import annotations

from lotledger.inventory.adapters.catalog_store import Change
from lotledger.inventory.service.stock import UnitOfWorkFactory
from lotledger.shared.contracts.catalog import Location, Product


async def save_product(uow_factory: UnitOfWorkFactory, product: Product, change: Change) -> bool:
    async with uow_factory() as uow:
        created = await uow.catalog.save_product(product, change)
        await uow.commit()
    return created


async def save_location(uow_factory: UnitOfWorkFactory, location: Location, change: Change) -> bool:
    async with uow_factory() as uow:
        created = await uow.catalog.save_location(location, change)
        await uow.commit()
    return created
