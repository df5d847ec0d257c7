"""Master data (role `admin` to write; any authenticated role to read).

A record's audit trail is read under the record's own scope: products are not
warehouse-specific, a location belongs to its warehouse."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response, status
from pydantic import BaseModel

from lotledger.inventory.adapters.catalog_store import Change
from lotledger.inventory.domain.errors import UnknownLocation, UnknownProduct, UnknownWarehouse
from lotledger.inventory.entrypoints.api.catalog_schemas import (
    LocationBody,
    ProductBody,
    WarehouseBody,
)
from lotledger.inventory.entrypoints.api.dependencies import RuntimeDep, metadata
from lotledger.inventory.service.catalog import save_location, save_product, save_warehouse
from lotledger.shared.auth import Principal
from lotledger.shared.contracts.catalog import Location, Product, Warehouse
from lotledger.shared.contracts.topics import CATALOG
from lotledger.shared.identifiers import Gtin, WarehouseId
from lotledger.shared.web.paths import LocationInPath
from lotledger.shared.web.security import Caller

router = APIRouter(prefix="/v1", tags=["master data"])


class AuditEntry(BaseModel):
    actor: str
    device: str | None
    at: Any
    before: dict[str, Any] | None
    after: dict[str, Any]


def _change(who: Caller, rt: RuntimeDep) -> Change:
    meta = metadata(who, rt)
    return Change(
        actor=meta.actor,
        device=meta.device,
        correlation_id=meta.correlation_id,
        now=meta.now,
        topic=rt.settings.topic(CATALOG),
    )


@router.put(
    "/products/{gtin}",
    response_model=Product,
    responses={201: {"model": Product, "description": "registered"}},
    description="A storage-class change is refused (409 `storage-class-mismatch`, naming "
    "the locations) while stock of the product sits where the new class does not fit.",
)
async def put_product(
    gtin: Gtin, body: ProductBody, rt: RuntimeDep, who: Caller, response: Response
) -> Product:
    product = body.product(gtin)
    created = await save_product(rt.uow, product, _change(who, rt), rt.ranges)
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return product


async def _visible_product(rt: RuntimeDep, gtin: str) -> Product:
    product = await rt.queries.product(gtin)
    if product is None:
        raise UnknownProduct(f"product {gtin} is not registered", gtin=gtin)
    return product


async def _visible_location(rt: RuntimeDep, who: Principal, location_id: str) -> Location:
    location = await rt.queries.location(location_id)
    if location is None:
        raise UnknownLocation(f"location {location_id} is not registered", location=location_id)
    who.require_warehouse(location.warehouse)
    return location


@router.get("/products/{gtin}", response_model=Product)
async def get_product(gtin: Gtin, rt: RuntimeDep, who: Caller) -> Product:
    return await _visible_product(rt, gtin)


@router.get("/products/{gtin}/audit", response_model=list[AuditEntry])
async def product_audit(gtin: Gtin, rt: RuntimeDep, who: Caller) -> list[dict[str, Any]]:
    await _visible_product(rt, gtin)
    return await rt.queries.audit("product", gtin)


@router.put(
    "/locations/{location_id:location}",
    response_model=Location,
    responses={201: {"model": Location, "description": "registered"}},
)
async def put_location(
    location_id: LocationInPath, body: LocationBody, rt: RuntimeDep, who: Caller, response: Response
) -> Location:
    who.require_warehouse(body.warehouse)
    created, location = await save_location(
        rt.uow, body.location(location_id, rt.ranges), _change(who, rt)
    )
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return location


@router.get("/locations/{location_id:location}/audit", response_model=list[AuditEntry])
async def location_audit(
    location_id: LocationInPath, rt: RuntimeDep, who: Caller
) -> list[dict[str, Any]]:
    await _visible_location(rt, who, location_id)
    return await rt.queries.audit("location", location_id)


@router.get("/locations/{location_id:location}", response_model=Location)
async def get_location(location_id: LocationInPath, rt: RuntimeDep, who: Caller) -> Location:
    return await _visible_location(rt, who, location_id)


@router.put(
    "/warehouses/{warehouse_id}",
    response_model=Warehouse,
    responses={201: {"model": Warehouse, "description": "registered"}},
    description="A warehouse's defaults: whether receipts wait for the incoming inspection "
    "(GSP acceptance check) unless the product says otherwise.",
)
async def put_warehouse(
    warehouse_id: WarehouseId, body: WarehouseBody, rt: RuntimeDep, who: Caller, response: Response
) -> Warehouse:
    who.require_warehouse(warehouse_id)
    warehouse = body.warehouse(warehouse_id)
    created = await save_warehouse(rt.uow, warehouse, _change(who, rt))
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return warehouse


async def _visible_warehouse(rt: RuntimeDep, who: Principal, warehouse_id: str) -> Warehouse:
    who.require_warehouse(warehouse_id)
    warehouse = await rt.queries.warehouse(warehouse_id)
    if warehouse is None:
        raise UnknownWarehouse(
            f"warehouse {warehouse_id} is not registered", warehouse=warehouse_id
        )
    return warehouse


@router.get("/warehouses/{warehouse_id}", response_model=Warehouse)
async def get_warehouse(warehouse_id: WarehouseId, rt: RuntimeDep, who: Caller) -> Warehouse:
    return await _visible_warehouse(rt, who, warehouse_id)


@router.get("/warehouses/{warehouse_id}/audit", response_model=list[AuditEntry])
async def warehouse_audit(
    warehouse_id: WarehouseId, rt: RuntimeDep, who: Caller
) -> list[dict[str, Any]]:
    await _visible_warehouse(rt, who, warehouse_id)
    return await rt.queries.audit("warehouse", warehouse_id)
