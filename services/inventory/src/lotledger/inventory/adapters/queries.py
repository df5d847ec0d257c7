"""Read queries over the inventory schema (SQLAlchemy Core selects, no locks)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from lotledger.inventory.adapters.batch_rows import state_from_row
from lotledger.inventory.adapters.event_source import UNPUBLISHED
from lotledger.inventory.adapters.tables import (
    BatchRow,
    CatalogAuditRow,
    EventRow,
    LocationRow,
    OutboxRow,
    ProductRow,
    StockLevelRow,
    WarehouseRow,
)
from lotledger.inventory.domain.batch import BatchState
from lotledger.shared.contracts.catalog import Location, Product, Warehouse
from lotledger.shared.contracts.stock import BatchStatus, HoldingStatus
from lotledger.shared.envelope import CloudEvent


@dataclass(frozen=True)
class StockLine:
    """One holding: `status` is the batch's, `holding_status` the holding's."""

    gtin: str
    lot: str
    location: str
    warehouse: str
    qty: int
    status: BatchStatus
    expiry: date
    holding_status: HoldingStatus = HoldingStatus.AVAILABLE


class InventoryQueries:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def batch(self, batch_id: str) -> BatchState | None:
        query = select(BatchRow).where(BatchRow.batch_id == batch_id)
        async with self._engine.connect() as conn:
            row = (await conn.execute(query)).mappings().first()
        return None if row is None else state_from_row(row)

    async def warehouses_of(self, batch_ids: list[str]) -> dict[str, list[str]]:
        """Every warehouse each batch was ever in."""
        if not batch_ids:
            return {}
        query = select(BatchRow.batch_id, BatchRow.warehouses).where(
            BatchRow.batch_id.in_(batch_ids)
        )
        async with self._engine.connect() as conn:
            return {r.batch_id: list(r.warehouses) for r in (await conn.execute(query)).all()}

    async def events(self, batch_id: str) -> list[dict[str, Any]]:
        async with self._engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(EventRow)
                    .where(EventRow.stream_id == batch_id)
                    .order_by(EventRow.version)
                )
            ).all()
        return [
            CloudEvent(
                id=r.event_id,
                source=r.source,
                type=r.type,
                subject=r.stream_id,
                time=r.occurred_at,
                data=r.data,
                streamversion=r.version,
                actor=r.actor,
                device=r.device,
                correlationid=r.correlation_id,
                causationid=r.causation_id,
                recordedtime=r.recorded_time,
                prevhash=r.prev_hash,
                hash=r.hash,
            ).to_dict()
            for r in rows
        ]

    async def stock(
        self,
        *,
        gtin: str | None,
        location: str | None,
        warehouses: list[str] | None,
        limit: int,
        offset: int,
    ) -> list[StockLine]:
        """Stock lines; `warehouses` None means every warehouse."""
        query = (
            select(
                StockLevelRow.gtin,
                StockLevelRow.lot,
                StockLevelRow.location,
                StockLevelRow.warehouse,
                StockLevelRow.qty,
                BatchRow.status,
                BatchRow.expiry,
                StockLevelRow.holding,
            )
            .join(BatchRow, BatchRow.batch_id == StockLevelRow.batch_id)
            .order_by(
                StockLevelRow.gtin,
                BatchRow.expiry,
                StockLevelRow.lot,
                StockLevelRow.location,
                StockLevelRow.holding,
            )
            .limit(limit)
            .offset(offset)
        )
        if gtin is not None:
            query = query.where(StockLevelRow.gtin == gtin)
        if location is not None:
            query = query.where(StockLevelRow.location == location)
        if warehouses is not None:
            query = query.where(StockLevelRow.warehouse.in_(warehouses))
        async with self._engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [
            StockLine(
                r.gtin,
                r.lot,
                r.location,
                r.warehouse,
                r.qty,
                BatchStatus(r.status),
                r.expiry,
                HoldingStatus(r.holding),
            )
            for r in rows
        ]

    async def lots_of_gtin(self, gtin: str) -> list[str]:
        """Every lot of the product ever received, in lot order."""
        query = select(BatchRow.lot).where(BatchRow.gtin == gtin).order_by(BatchRow.lot)
        async with self._engine.connect() as conn:
            return list((await conn.execute(query)).scalars().all())

    async def warehouse(self, warehouse_id: str) -> Warehouse | None:
        async with self._engine.connect() as conn:
            record = (
                await conn.execute(
                    select(WarehouseRow.record).where(WarehouseRow.warehouse_id == warehouse_id)
                )
            ).scalar()
        return None if record is None else Warehouse.model_validate(record)

    async def states_of_gtin(self, gtin: str) -> list[BatchState]:
        query = select(BatchRow).where(BatchRow.gtin == gtin, BatchRow.on_hand != {})
        async with self._engine.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [state_from_row(r) for r in rows]

    async def product(self, gtin: str) -> Product | None:
        async with self._engine.connect() as conn:
            record = (
                await conn.execute(select(ProductRow.record).where(ProductRow.gtin == gtin))
            ).scalar()
        return None if record is None else Product.model_validate(record)

    async def location(self, location_id: str) -> Location | None:
        async with self._engine.connect() as conn:
            record = (
                await conn.execute(
                    select(LocationRow.record).where(LocationRow.location_id == location_id)
                )
            ).scalar()
        return None if record is None else Location.model_validate(record)

    async def locations(self, location_ids: list[str]) -> dict[str, Location]:
        query = select(LocationRow.record).where(LocationRow.location_id.in_(location_ids))
        async with self._engine.connect() as conn:
            records = (await conn.execute(query)).scalars().all()
        return {loc.location_id: loc for loc in (Location.model_validate(r) for r in records)}

    async def audit(self, entity: str, entity_id: str) -> list[dict[str, Any]]:
        query = (
            select(
                CatalogAuditRow.actor,
                CatalogAuditRow.device,
                CatalogAuditRow.at,
                CatalogAuditRow.before,
                CatalogAuditRow.after,
            )
            .where(CatalogAuditRow.entity == entity, CatalogAuditRow.entity_id == entity_id)
            .order_by(CatalogAuditRow.id)
        )
        async with self._engine.connect() as conn:
            return [dict(r) for r in (await conn.execute(query)).mappings().all()]

    async def outbox_backlog(self) -> tuple[int, datetime | None]:
        """Unpublished outbox rows and the creation time of the oldest."""
        async with self._engine.connect() as conn:
            row = (
                await conn.execute(
                    select(func.count(), func.min(OutboxRow.created_at)).select_from(OutboxRow)
                )
            ).one()
        return int(row[0]), row[1]

    async def event_backlog(self) -> tuple[int, datetime | None]:
        """Stock events the relay has not published, and when the oldest was recorded."""
        async with self._engine.connect() as conn:
            row = (await conn.execute(text(UNPUBLISHED))).one()
        return int(row.n), row.oldest
