"""The rows the projection writes for stock events, fields in column order (the store
copies them as they are), and the history row built from a received envelope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lotledger.shared.db import json_param
from lotledger.traceability.adapters.records import StockRecord
from lotledger.traceability.adapters.trace_steps import render_step
from lotledger.traceability.domain.lots import locations_of

COLUMNS = frozenset(
    {
        "id",
        "source",
        "type",
        "time",
        "data",
        "streamversion",
        "actor",
        "device",
        "correlationid",
        "causationid",
        "prevhash",
        "hash",
    }
)
"""Envelope members stored in their own history columns."""


def derived_members(gtin: str, lot: str) -> dict[str, str]:
    """Envelope members history does not store because the contract fixes them; a record
    carrying another value keeps it in `extensions`, so verification sees what was sent."""
    return {"specversion": "1.0", "datacontenttype": "application/json", "subject": f"{gtin}/{lot}"}


@dataclass(frozen=True)
class HistoryRow:
    """A `history` row, fields in column order; `data` and `extensions` as JSON text."""

    gtin: str
    lot: str
    version: int
    event_id: str
    type: str
    source: str
    time: datetime
    at: datetime
    actor: str | None
    device: str | None
    correlation_id: str | None
    causation_id: str | None
    prev_hash: str | None
    hash: str | None
    locations: list[str]
    data: str
    extensions: str | None
    step: str


@dataclass(frozen=True)
class ReceiptRow:
    """A `receipts` row: from a supplier, or a return from a consignee (`kind`)."""

    gtin: str
    lot: str
    version: int
    kind: str
    party: str
    qty: int
    at: datetime
    location: str
    warehouse: str
    reference: str | None


@dataclass(frozen=True)
class ShipmentRow:
    gtin: str
    lot: str
    version: int
    consignee: str
    qty: int
    at: datetime
    order_ref: str
    channel: str | None
    location: str
    warehouse: str


@dataclass(frozen=True)
class StayRow:
    gtin: str
    lot: str
    location: str
    version: int
    warehouse: str
    start_at: datetime
    end_at: datetime | None


def history_row(record: StockRecord) -> HistoryRow:
    env, event = record.envelope, record.event
    extensions = None
    if others := env.keys() - COLUMNS:
        derived = derived_members(event.gtin, event.lot)
        extensions = {k: env[k] for k in others if k not in derived or derived[k] != env[k]} or None
    return HistoryRow(
        gtin=event.gtin,
        lot=event.lot,
        version=record.version,
        event_id=str(env["id"]),
        type=env["type"],
        source=env["source"],
        time=record.time,
        at=event.at,
        actor=env.get("actor"),
        device=env.get("device"),
        correlation_id=env.get("correlationid"),
        causation_id=env.get("causationid"),
        prev_hash=env.get("prevhash"),
        hash=env.get("hash"),
        locations=locations_of(event),
        data=json_param(env["data"]),
        extensions=None if extensions is None else json_param(extensions),
        step=render_step(env, record.version, event.at, record.recorded),
    )
