"""A lot's residence and stays recomputed from its whole stream in the order things
happened (docs/adr/0012-device-time.md).

The projector follows a lot event by event in stream (recorded) order. An offline scan
synced late carries an `at` before events already recorded; folding it in stream order
would misplace it (an interval closes at its start, never before). So once a lot receives
a quantity event stamped before its latest, its intervals and stays are recomputed here:
every event in (at, stream version) order, each opening and closing intervals exactly as
`residence.apply_event` does. Status events move nothing and are skipped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from lotledger.shared.contracts.stock import StockEvent
from lotledger.traceability.domain.residence import Interval, apply_event, quantity_deltas
from lotledger.traceability.domain.stays import stay_changes


@dataclass(frozen=True)
class Stay:
    location: str
    start: datetime
    end: datetime | None
    version: int


def in_time_order(events: Iterable[tuple[int, StockEvent]]) -> list[tuple[int, StockEvent]]:
    """Quantity events by (at, stream version)."""
    moving = [(v, e) for v, e in events if quantity_deltas(e)]
    return sorted(moving, key=lambda ve: (ve[1].at, ve[0]))


def rebuilt(events: Iterable[tuple[int, StockEvent]]) -> tuple[list[Interval], list[Stay]]:
    """Every interval and stay of a lot, given its (version, event) pairs in any order."""
    opened: list[Interval] = []
    ends: dict[tuple[str, int], datetime | None] = {}
    stays: list[Stay] = []
    open_stays: dict[str, Stay] = {}
    current: dict[str, Interval] = {}
    for version, event in in_time_order(events):
        change = apply_event(current, event, version)
        starts, stay_ends = stay_changes(current, change)
        for interval in change.closed:
            ends[(interval.location, interval.version)] = interval.end
        opened.extend(change.opened)
        for end in stay_ends:
            started = open_stays.pop(end.location)
            stays.append(replace(started, end=end.end))
        for start in starts:
            open_stays[start.location] = Stay(start.location, start.start, None, start.version)
        current = change.applied_to(current)
    intervals = [replace(i, end=ends.get((i.location, i.version))) for i in opened]
    return intervals, [*stays, *open_stays.values()]
