"""Offset paging's query parameter, bounded so a huge offset is a 422, never a database error."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

MAX_OFFSET = 10_000_000

Offset = Annotated[
    int, Query(ge=0, le=MAX_OFFSET, description="skip this many items (keyset paging is faster)")
]
