"""Typed table models for reads (the DDL lives in migrations/versions)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ARRAY, BigInteger, Integer, LargeBinary, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class EventRow(Base):
    __tablename__ = "events"
    position: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    event_id: Mapped[UUID]
    stream_id: Mapped[str]
    source: Mapped[str]
    version: Mapped[int]
    type: Mapped[str]
    data: Mapped[dict[str, Any]] = mapped_column(JSONB)
    occurred_at: Mapped[datetime]
    actor: Mapped[str]
    device: Mapped[str | None]
    correlation_id: Mapped[str | None]
    causation_id: Mapped[str | None]
    recorded_time: Mapped[datetime | None]
    prev_hash: Mapped[str]
    hash: Mapped[str]


class BatchRow(Base):
    __tablename__ = "batches"
    batch_id: Mapped[str] = mapped_column(primary_key=True)
    gtin: Mapped[str]
    lot: Mapped[str]
    expiry: Mapped[date]
    status: Mapped[str]
    version: Mapped[int]
    head_hash: Mapped[str]
    on_hand: Mapped[dict[str, int]] = mapped_column(JSONB)
    warehouses: Mapped[list[str]] = mapped_column(ARRAY(String))
    updated_at: Mapped[datetime]
    held: Mapped[dict[str, dict[str, int]]] = mapped_column(JSONB)
    last_at: Mapped[datetime | None]


class StockLevelRow(Base):
    __tablename__ = "stock_levels"
    batch_id: Mapped[str] = mapped_column(primary_key=True)
    location: Mapped[str] = mapped_column(primary_key=True)
    holding: Mapped[str] = mapped_column(primary_key=True)
    gtin: Mapped[str]
    lot: Mapped[str]
    warehouse: Mapped[str]
    qty: Mapped[int] = mapped_column(Integer)


class ProductRow(Base):
    __tablename__ = "products"
    gtin: Mapped[str] = mapped_column(primary_key=True)
    record: Mapped[dict[str, Any]] = mapped_column(JSONB)
    version: Mapped[int]
    updated_at: Mapped[datetime]
    updated_by: Mapped[str]


class LocationRow(Base):
    __tablename__ = "locations"
    location_id: Mapped[str] = mapped_column(primary_key=True)
    warehouse: Mapped[str]
    record: Mapped[dict[str, Any]] = mapped_column(JSONB)
    version: Mapped[int]
    updated_at: Mapped[datetime]
    updated_by: Mapped[str]


class CatalogAuditRow(Base):
    __tablename__ = "catalog_audit"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    entity: Mapped[str]
    entity_id: Mapped[str]
    actor: Mapped[str]
    device: Mapped[str | None]
    at: Mapped[datetime]
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    after: Mapped[dict[str, Any]] = mapped_column(JSONB)


class WarehouseRow(Base):
    __tablename__ = "warehouses"
    warehouse_id: Mapped[str] = mapped_column(primary_key=True)
    record: Mapped[dict[str, Any]] = mapped_column(JSONB)
    version: Mapped[int]
    updated_at: Mapped[datetime]
    updated_by: Mapped[str]


class OutboxRow(Base):
    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    topic: Mapped[str]
    key: Mapped[str]
    event_id: Mapped[UUID]
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
