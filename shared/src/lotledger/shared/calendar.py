"""Calendar dates as the REST contract takes them (DESIGN §6): exactly `YYYY-MM-DD`
(RFC 3339 full-date), in JSON bodies and query strings alike.

pydantic's own `date` also takes a date-time at midnight, a Unix timestamp and, from
Python, a `datetime`; an expiry sent as `2027-01-31T00:00:00Z` would then silently lose
its offset. Every date an API takes is a `CalendarDate`; anything else is refused with
the rule `date_format`.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

_FULL_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_RULE = "date_format"
_MESSAGE = "a date is YYYY-MM-DD: a real calendar day, no time, no offset"


def strict_date(value: object) -> date:
    """`value` as a date when it is a `date` or a `YYYY-MM-DD` string naming a real day."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _FULL_DATE.fullmatch(value):
        raise PydanticCustomError(_RULE, _MESSAGE)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError(_RULE, _MESSAGE) from None


CalendarDate = Annotated[date, BeforeValidator(strict_date)]
