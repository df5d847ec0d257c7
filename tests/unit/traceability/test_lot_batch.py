"""The projection's in-memory fold: one batch or many give the same rows, duplicates
change nothing, and stays bracket every residence interval."""

import itertools
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from hypothesis import given, settings
from hypothesis import strategies as st

from lotledger.shared.contracts.stock import TYPE_OF, StockEvent
from lotledger.traceability.adapters.records import StockRecord
from lotledger.traceability.adapters.rows import StayRow
from lotledger.traceability.domain.lots import LotState
from lotledger.traceability.domain.reconciliation import totals_of
from lotledger.traceability.domain.residence import Interval
from lotledger.traceability.service.lot_batch import LotBatch
from tests.unit.traceability.lot_history import GTIN, LOT, lot_events
from tests.unit.traceability.test_lot_properties import ops, simulate


def records(events: list[StockEvent], **extra: Any) -> list[StockRecord]:
    out = []
    for version, event in enumerate(events, start=1):
        envelope = {
            "id": str(uuid5(NAMESPACE_URL, f"{event.lot}/{version}")),
            "type": TYPE_OF[type(event)],
            "source": "/inventory/WH1",
            "subject": f"{event.gtin}/{event.lot}",
            "time": event.at.isoformat(),
            "streamversion": version,
            "hash": f"{version:064x}",
            "data": event.as_data(),
            **extra,
        }
        out.append(StockRecord(envelope, event, version, event.at))
    return out


@dataclass
class FakeStore:
    """What the Postgres store keeps between batches, written the way its SQL does."""

    states: dict[tuple[str, str], LotState] = field(default_factory=dict)
    intervals: dict[tuple[str, str, str, int], Interval] = field(default_factory=dict)
    stays: dict[tuple[str, str, str, int], StayRow] = field(default_factory=dict)
    history: list[int] = field(default_factory=list)

    def load(self) -> LotBatch:
        batch = LotBatch(states=dict(self.states), open={})
        for i in self.intervals.values():
            if i.end is None:
                batch.open.setdefault((i.gtin, i.lot), {})[i.location] = i
        return batch

    def write(self, batch: LotBatch) -> None:
        self.history.extend(r.version for r in batch.history)
        for key, interval in batch.closed.items():
            self.intervals[key] = replace(self.intervals[key], end=interval.end)
        self.intervals.update(batch.opened)
        for (gtin, lot, location), end in batch.stays_ended.items():
            (key,) = [
                k
                for k, s in self.stays.items()
                if k[:3] == (gtin, lot, location) and s.end_at is None
            ]
            self.stays[key] = replace(self.stays[key], end_at=end)
        self.stays.update({(s.gtin, s.lot, s.location, s.version): s for s in batch.new_stays()})
        self.states.update({k: batch.states[k] for k in batch.touched})


def fold(store: FakeStore, chunks: list[list[StockRecord]]) -> FakeStore:
    for chunk in chunks:
        batch = store.load()
        for record in chunk:
            batch.add(record)
        store.write(batch)
    return store


@settings(max_examples=150, deadline=None)
@given(ops, st.lists(st.integers(0, 60), max_size=4))
def test_one_batch_or_many_give_the_same_rows(script: list[Any], cuts: list[int]) -> None:
    events, _ = simulate(script)
    all_records = records(events)
    bounds = [0, *sorted(c for c in cuts if c < len(all_records)), len(all_records)]
    chunks = [all_records[a:b] for a, b in itertools.pairwise(bounds)]
    whole = fold(FakeStore(), [all_records])
    split = fold(FakeStore(), chunks)
    assert (split.states, split.intervals, split.stays) == (
        whole.states,
        whole.intervals,
        whole.stays,
    )
    assert split.history == whole.history == list(range(1, len(events) + 1))
    if events:
        assert whole.states[(GTIN, LOT)].totals == totals_of(events)


@settings(max_examples=150, deadline=None)
@given(ops)
def test_stays_bracket_every_interval_and_never_overlap(script: list[Any]) -> None:
    events, _ = simulate(script)
    store = fold(FakeStore(), [records(events)])
    for interval in store.intervals.values():
        (stay,) = [
            s
            for s in store.stays.values()
            if s.location == interval.location
            and s.start_at <= interval.start
            and (s.end_at is None or (interval.end is not None and interval.end <= s.end_at))
        ]
        assert stay.version <= interval.version
    by_place: dict[str, list[StayRow]] = {}
    for stay in store.stays.values():
        by_place.setdefault(stay.location, []).append(stay)
    for stays in by_place.values():
        ordered = sorted(stays, key=lambda s: s.version)
        assert all(s.end_at is not None for s in ordered[:-1])
        for earlier, later in itertools.pairwise(ordered):
            assert earlier.end_at is not None
            assert earlier.end_at <= later.start_at


def test_a_redelivered_event_changes_nothing() -> None:
    events = records(lot_events())
    store = fold(FakeStore(), [events[:6], events])
    assert store.history == list(range(1, 12))
    batch = store.load()
    for record in events:
        batch.add(record)
    assert (batch.duplicates, batch.history, batch.touched) == (11, [], set())


def test_envelope_members_beyond_the_contract_are_kept_for_verification() -> None:
    (plain,) = records(lot_events()[:1])
    (extended,) = records(lot_events()[:1], traceparent="00-abc", specversion="1.0")
    batch = LotBatch(states={}, open={})
    batch.add(plain)
    batch.add(replace(extended, version=2, envelope={**extended.envelope, "streamversion": 2}))
    assert [h.extensions for h in batch.history] == [None, '{"traceparent":"00-abc"}']


def test_history_rows_carry_envelope_metadata_and_locations() -> None:
    batch = LotBatch(states={}, open={})
    for record in records(lot_events()):
        batch.add(record)
    moved = batch.history[2]
    assert (moved.type, moved.locations, moved.hash) == (
        "lotledger.stock.moved.v1",
        ["WH1/COLD-A/01", "WH1/COLD-A/02"],
        f"{3:064x}",
    )
    assert batch.history[1].locations == []
    assert isinstance(moved.time, datetime)
    assert [(r.kind, r.qty) for r in batch.receipts] == [("received", 100), ("returned", 5)]
    assert [(s.consignee, s.qty) for s in batch.shipments] == [
        ("9506000000022", 20),
        ("PHARMACY-017", 15),
        ("9506000000039", 10),
    ]
