"""A fetched batch's stock events folded in memory, lot by lot, into the rows the store
writes in a handful of bulk statements.

Given each touched lot's stored state and open residence intervals, `add` folds one event
(in its partition's order, so in stream order per lot) and records what to write: the
history row, a receipt, return or shipment, the intervals it opens and closes and the
stays it starts and ends. An event whose version the lot already has is a duplicate and
changes nothing. Intervals and stays opened and closed within the batch are written once,
with their end. A lot given a quantity event stamped before its latest (an offline scan
synced late) is marked in `rewrites`: the store recomputes its residence and stays from
its whole history in time order (domain/residence_rebuild.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from lotledger.shared.contracts.stock import Picked, Received, Returned
from lotledger.shared.identifiers import warehouse_of
from lotledger.traceability.adapters.lot_rows import IntervalKey, LotRows
from lotledger.traceability.adapters.records import StockRecord
from lotledger.traceability.adapters.rows import ReceiptRow, ShipmentRow, StayRow, history_row
from lotledger.traceability.domain.lots import LotKey, LotState, advance
from lotledger.traceability.domain.residence import (
    Interval,
    ResidenceChange,
    apply_event,
    quantity_deltas,
)
from lotledger.traceability.domain.stays import stay_changes


@dataclass
class LotBatch(LotRows):
    def add(self, record: StockRecord) -> None:
        event, version = record.event, record.version
        key = (event.gtin, event.lot)
        state = self.states.get(key) or LotState(*key)
        if state.is_duplicate(version):
            self.duplicates += 1
            return
        if state.last_at is not None and event.at < state.last_at and quantity_deltas(event):
            self.rewrites.add(key)
        self.states[key] = advance(state, event, version, record.envelope.get("hash"))
        self.touched.add(key)
        self.history.append(history_row(record))
        self._parties(record)
        current = self.open.get(key, {})
        change = apply_event(current, event, version)
        for interval in change.closed:
            ikey = _interval_key(interval)
            target = self.opened if ikey in self.opened else self.closed
            target[ikey] = interval
        for interval in change.opened:
            self.opened[_interval_key(interval)] = interval
        self._stays(key, current, change)
        self.open[key] = change.applied_to(current)

    def _stays(self, key: LotKey, before: dict[str, Interval], change: ResidenceChange) -> None:
        starts, ends = stay_changes(before, change)
        for end in ends:
            place = (*key, end.location)
            row = self.stays_opened.pop(place, None)
            if row is None:
                self.stays_ended[place] = end.end
            else:
                self.stays.append(replace(row, end_at=end.end))
        for start in starts:
            where = warehouse_of(start.location)
            self.stays_opened[(*key, start.location)] = StayRow(
                *key, start.location, start.version, where, start.start, None
            )

    def _parties(self, record: StockRecord) -> None:
        e, v = record.event, record.version
        match e:
            case Received():
                where = warehouse_of(e.location)
                self.receipts.append(
                    ReceiptRow(e.gtin, e.lot, v, "received", e.supplier, e.qty, e.at, e.location,
                               where, e.reference)
                )  # fmt: skip
            case Returned():
                where = warehouse_of(e.location)
                self.receipts.append(
                    ReceiptRow(e.gtin, e.lot, v, "returned", e.from_party, e.qty, e.at,
                               e.location, where, None)
                )  # fmt: skip
            case Picked():
                where = warehouse_of(e.location)
                self.shipments.append(
                    ShipmentRow(e.gtin, e.lot, v, e.ship_to, e.qty, e.at, e.order_ref, e.channel,
                                e.location, where)
                )  # fmt: skip


def _interval_key(interval: Interval) -> IntervalKey:
    return (interval.gtin, interval.lot, interval.location, interval.version)
