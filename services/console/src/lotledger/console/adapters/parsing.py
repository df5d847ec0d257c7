"""JSON values of the APIs' answers → Python values (times are RFC 3339 with offset)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any


def instant(value: Any) -> datetime:
    return datetime.fromisoformat(str(value))


def maybe_instant(value: Any) -> datetime | None:
    return None if value is None else instant(value)


def day(value: Any) -> date:
    return date.fromisoformat(str(value))


def maybe_day(value: Any) -> date | None:
    return None if value is None else day(value)


def maybe_int(value: Any) -> int | None:
    return None if value is None else int(value)


def maybe_float(value: Any) -> float | None:
    return None if value is None else float(value)


def maybe_str(value: Any) -> str | None:
    return None if value is None else str(value)
