"""Stays: the periods a lot had any stock at a location, however its quantity changed.

A stay starts when a lot's quantity at a location goes from nothing to something and
ends when it goes back to nothing; in between, residence intervals record each quantity.
So at any instant a lot is at a location exactly when one of its stays there covers the
instant, and every residence interval lies inside one stay. Stays are few (a lot enters
a handful of locations), which makes them the cheap thing to index for "who was here
then"; the intervals inside then give the quantities.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from lotledger.traceability.domain.residence import Interval, ResidenceChange


@dataclass(frozen=True)
class StayStart:
    location: str
    start: datetime
    version: int


@dataclass(frozen=True)
class StayEnd:
    location: str
    end: datetime


def stay_changes(
    before: Mapping[str, Interval], change: ResidenceChange
) -> tuple[list[StayStart], list[StayEnd]]:
    """The stays one event starts and ends, given the lot's open intervals before it."""
    starts = [
        StayStart(i.location, i.start, i.version) for i in change.opened if i.location not in before
    ]
    if not change.closed:
        return starts, []
    still = {i.location for i in change.opened}
    ends = [
        StayEnd(i.location, i.end if i.end is not None else i.start)
        for i in change.closed
        if i.location not in still
    ]
    return starts, ends
