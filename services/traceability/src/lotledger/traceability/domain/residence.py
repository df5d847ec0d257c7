"""Residence intervals: which lot held how much at which location, from when to when.

An interval `[start, end)` holds a constant positive quantity of one lot at one
location; `end` is None while it is open, and at most one is open per lot and location.
A stock event that changes a location's quantity closes that location's open interval at
the event's time and, when the new quantity is positive, opens the next one at the same
instant. Status events and changes that net to zero touch nothing.

Quantities follow the inventory aggregate: received and returned add, picked and
disposed take, moved takes from one location and adds to the other, adjusted adds its
delta and counted its variance; a quantity that would fall to zero or below leaves the
location empty. Boundary times are the events' `at`; an event stamped before the open
interval's start (device clock skew) closes it at its start, never before it.
`version` is the stream version of the event that opened the interval; with the lot and
location it identifies the interval as a row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from lotledger.shared.contracts.stock import (
    Adjusted,
    Counted,
    Disposed,
    Moved,
    Picked,
    Received,
    Returned,
    StockEvent,
)
from lotledger.traceability.domain.instants import overlap_minutes


@dataclass(frozen=True)
class Interval:
    gtin: str
    lot: str
    location: str
    qty: int
    start: datetime
    end: datetime | None
    version: int

    def covers(self, instant: datetime) -> bool:
        return self.start <= instant and (self.end is None or instant < self.end)

    def ended(self, at: datetime) -> Interval:
        """This interval closed at `at` (what `replace(self, end=at)` gives, cheaper: the
        projector closes one per stock event)."""
        return Interval(self.gtin, self.lot, self.location, self.qty, self.start, at, self.version)

    def overlap_minutes(self, start: datetime, end: datetime) -> float:
        return overlap_minutes(self.start, self.end or end, start, end)


@dataclass(frozen=True)
class ResidenceChange:
    """What one event does: intervals to close (with their `end` set) and to open."""

    closed: tuple[Interval, ...] = ()
    opened: tuple[Interval, ...] = ()

    def applied_to(self, open_intervals: Mapping[str, Interval]) -> dict[str, Interval]:
        result = dict(open_intervals)
        for interval in self.closed:
            result.pop(interval.location, None)
        result.update({interval.location: interval for interval in self.opened})
        return result


def quantity_deltas(event: StockEvent) -> dict[str, int]:
    """The signed quantity change per location; empty for status events."""
    match event:
        case Received() | Returned():
            return {event.location: event.qty}
        case Picked() | Disposed():
            return {event.location: -event.qty}
        case Adjusted():
            return {event.location: event.delta}
        case Counted():
            return {event.location: event.variance}
        case Moved():
            deltas = {event.from_location: -event.qty}
            deltas[event.to_location] = deltas.get(event.to_location, 0) + event.qty
            return deltas
    return {}


def apply_event(
    open_intervals: Mapping[str, Interval], event: StockEvent, version: int
) -> ResidenceChange:
    """The intervals `event` (the lot's `version`-th) closes and opens, given the lot's
    open intervals keyed by location."""
    closed: list[Interval] = []
    opened: list[Interval] = []
    for location, delta in quantity_deltas(event).items():
        if delta == 0:
            continue
        current = open_intervals.get(location)
        qty = delta
        if current is not None:
            qty += current.qty
            closed.append(current.ended(max(event.at, current.start)))
        if qty > 0:
            start = event.at if current is None else max(event.at, current.start)
            opened.append(Interval(event.gtin, event.lot, location, qty, start, None, version))
    return ResidenceChange(tuple(closed), tuple(opened))


def history(events: Iterable[StockEvent]) -> list[Interval]:
    """Every interval of a lot from its whole stream (versions 1, 2, …), in the order
    opened; closed ones carry their end, open ones `end=None`."""
    opened: list[Interval] = []
    ends: dict[tuple[str, int], datetime | None] = {}
    current: dict[str, Interval] = {}
    for version, event in enumerate(events, start=1):
        change = apply_event(current, event, version)
        for interval in change.closed:
            ends[(interval.location, interval.version)] = interval.end
        opened.extend(change.opened)
        current = change.applied_to(current)
    return [replace(i, end=ends.get((i.location, i.version))) for i in opened]


def stock_at(intervals: Iterable[Interval], instant: datetime) -> dict[str, int]:
    """Quantity per location at `instant` (after every event stamped at or before it)."""
    stock: dict[str, int] = {}
    for interval in intervals:
        if interval.covers(instant):
            stock[interval.location] = stock.get(interval.location, 0) + interval.qty
    return stock


@dataclass(frozen=True)
class Exposure:
    minutes: float
    max_qty: int


def exposure(
    intervals: Iterable[Interval], location: str, start: datetime, end: datetime
) -> Exposure | None:
    """A lot's exposure to `[start, end)` at `location` (pass "now" as `end` for an open
    excursion): the minutes its intervals there overlap the window and the most it held
    during the overlap; None when it held nothing there at any time in the window."""
    overlaps = [
        (interval.overlap_minutes(start, end), interval.qty)
        for interval in intervals
        if interval.location == location
    ]
    touching = [(length, qty) for length, qty in overlaps if length > 0]
    if not touching:
        return None
    return Exposure(sum(length for length, _ in touching), max(qty for _, qty in touching))
