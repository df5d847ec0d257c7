"""One router per resource; `ALL` is the order they are mounted in."""

from fastapi import APIRouter

from lotledger.traceability.entrypoints.api.routers import (
    consignees,
    excursions,
    locations,
    lot_climate,
    lot_records,
    lots,
    serials,
    stock,
)

ALL: list[APIRouter] = [
    lot_records.router,
    lot_climate.router,
    lots.router,
    consignees.router,
    stock.router,
    excursions.router,
    locations.router,
    serials.router,
]
