"""A location's ranges in force over time, kept inside its catalog record (`ranges`) so
that the compacted catalog topic still tells what range applied at any past instant.

The history only grows: saving a location whose temperature or humidity bounds differ
from the last range in force appends a range in force from `now`; any other change
leaves it as it was. A record written before ranges were kept starts its history with
its current range, in force from `now`; since the first range also judges everything
before its `since`, readings from before are judged as they always were.
"""

from __future__ import annotations

from datetime import datetime

from lotledger.shared.contracts.catalog import Location, RangeInForce


def range_of(location: Location, since: datetime) -> RangeInForce:
    return RangeInForce(
        since=since,
        temp_min_c=location.temp_min_c,
        temp_max_c=location.temp_max_c,
        humidity_min_pct=location.humidity_min_pct,
        humidity_max_pct=location.humidity_max_pct,
    )


def _bounds(r: RangeInForce) -> tuple[float, float, float | None, float | None]:
    return (r.temp_min_c, r.temp_max_c, r.humidity_min_pct, r.humidity_max_pct)


def with_ranges(location: Location, before: Location | None, now: datetime) -> Location:
    """`location` carrying its range history, given the stored record `before`."""
    history = list(before.ranges) if before is not None else []
    if before is not None and not history:
        history = [range_of(before, now)]
    current = range_of(location, now)
    if not history or _bounds(history[-1]) != _bounds(current):
        history.append(current)
    return location.model_copy(update={"ranges": history})
