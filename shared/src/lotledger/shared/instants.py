"""Instants as every lotledger API accepts them (DESIGN §6): an RFC 3339 date-time with its
UTC offset, whose UTC instant lies within years 0001-9999, so it converts to UTC, compares,
and binds to Postgres `timestamptz`. Numbers, naive date-times and other ISO 8601 forms are
refused, whatever a lax parser would make of them."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated

from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

RULE = "rfc3339_instant"
EXAMPLE = "2026-11-24T10:00:00Z"
_RFC3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})", re.ASCII
)
_RANGE = "between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z"


def parse_instant(value: object) -> datetime:
    """The instant in UTC; raises ValueError naming what is wrong."""
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            raise ValueError("an instant needs a UTC offset")
        text = value.isoformat()
    elif isinstance(value, str) and _RFC3339.fullmatch(value):
        text = value.upper()
    else:
        raise ValueError(f"an instant is an RFC 3339 date-time with an offset, e.g. {EXAMPLE}")
    try:
        return datetime.fromisoformat(text).astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"not a valid instant {_RANGE}: {exc}") from exc


def _validate(value: object) -> datetime:
    try:
        return parse_instant(value)
    except ValueError as exc:
        raise PydanticCustomError(RULE, str(exc)) from exc


Instant = Annotated[
    datetime,
    BeforeValidator(_validate),
    Field(
        description=f"RFC 3339 date-time with an offset, {_RANGE} in UTC",
        examples=[EXAMPLE],
    ),
]
