"""A fetched batch's stock events folded in memory, lot by lot, into the rows the store
writes in a handful of bulk statements.

Given each touched lot's stored state and open residence intervals, `add` folds one event
(in its partition's order, so in stream order per lot) and records what to write: the
history row, a receipt, return or shipment, the intervals it opens and closes. An event
whose version the lot already has is a duplicate and changes nothing. Intervals opened
and closed within the batch are written once, with their end.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from lotledger.shared.contracts.stock import Picked, Received, Returned
from lotledger.traceability.adapters.records import StockRecord
from lotledger.traceability.domain.lots import LotState, advance, locations_of
from lotledger.traceability.domain.residence import Interval, apply_event

LotKey = tuple[str, str]
IntervalKey = tuple[str, str, str, int]
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
    gtin: str
    lot: str
    version: int
    event_id: UUID
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
    data: dict[str, Any]
    extensions: dict[str, Any] | None


@dataclass(frozen=True)
class PartyRow:
    """A receipt from a supplier or a return from a consignee (`kind`), or a shipment."""

    gtin: str
    lot: str
    version: int
    kind: str
    party: str
    qty: int
    at: datetime
    location: str
    reference: str | None
    channel: str | None = None


@dataclass
class LotBatch:
    states: dict[LotKey, LotState]
    open: dict[LotKey, dict[str, Interval]]
    history: list[HistoryRow] = field(default_factory=list)
    receipts: list[PartyRow] = field(default_factory=list)
    shipments: list[PartyRow] = field(default_factory=list)
    opened: dict[IntervalKey, Interval] = field(default_factory=dict)
    closed: dict[IntervalKey, Interval] = field(default_factory=dict)
    touched: set[LotKey] = field(default_factory=set)
    duplicates: int = 0

    def add(self, record: StockRecord) -> None:
        event, version = record.event, record.version
        key = (event.gtin, event.lot)
        state = self.states.get(key) or LotState(*key)
        if state.is_duplicate(version):
            self.duplicates += 1
            return
        self.states[key] = advance(state, event, version, record.envelope.get("hash"))
        self.touched.add(key)
        self.history.append(_history_row(record))
        self._parties(record)
        current = self.open.get(key, {})
        change = apply_event(current, event, version)
        for interval in change.closed:
            ikey = _interval_key(interval)
            target = self.opened if ikey in self.opened else self.closed
            target[ikey] = interval
        for interval in change.opened:
            self.opened[_interval_key(interval)] = interval
        self.open[key] = change.applied_to(current)

    def on_hand(self, key: LotKey) -> int:
        return sum(i.qty for i in self.open.get(key, {}).values())

    def _parties(self, record: StockRecord) -> None:
        e, v = record.event, record.version
        match e:
            case Received():
                self.receipts.append(
                    PartyRow(
                        e.gtin,
                        e.lot,
                        v,
                        "received",
                        e.supplier,
                        e.qty,
                        e.at,
                        e.location,
                        e.reference,
                    )
                )
            case Returned():
                self.receipts.append(
                    PartyRow(
                        e.gtin, e.lot, v, "returned", e.from_party, e.qty, e.at, e.location, None
                    )
                )
            case Picked():
                self.shipments.append(
                    PartyRow(
                        e.gtin,
                        e.lot,
                        v,
                        "shipped",
                        e.ship_to,
                        e.qty,
                        e.at,
                        e.location,
                        e.order_ref,
                        e.channel,
                    )
                )


def _interval_key(interval: Interval) -> IntervalKey:
    return (interval.gtin, interval.lot, interval.location, interval.version)


def _history_row(record: StockRecord) -> HistoryRow:
    env, event = record.envelope, record.event
    derived = derived_members(event.gtin, event.lot)
    extensions = {
        k: v for k, v in env.items() if k not in COLUMNS and (k not in derived or derived[k] != v)
    } or None
    return HistoryRow(
        gtin=event.gtin,
        lot=event.lot,
        version=record.version,
        event_id=UUID(env["id"]),
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
        data=env["data"],
        extensions=extensions,
    )
