"""Instants and spans as the traceability domain handles them: always aware datetimes,
spans half-open `[start, end)`, lengths in minutes as floats."""

from __future__ import annotations

from datetime import datetime

from lotledger.traceability.domain.errors import EmptyWindow, NaiveTimestamp


def require_aware(value: datetime, field: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveTimestamp(f"{field} must carry a UTC offset", field=field)
    return value


def require_window(start: datetime, end: datetime) -> None:
    require_aware(start, "start")
    require_aware(end, "end")
    if end <= start:
        raise EmptyWindow("the window's end must be after its start", field="end")


def minutes(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 60.0


def overlap_minutes(
    a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime
) -> float:
    """Length of the intersection of `[a_start, a_end)` and `[b_start, b_end)`, or 0."""
    return max(0.0, minutes(max(a_start, b_start), min(a_end, b_end)))
