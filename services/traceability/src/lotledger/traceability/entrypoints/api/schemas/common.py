"""Pagination shared by the list endpoints."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")
MAX_LIMIT = 1000
DEFAULT_LIMIT = 100


class Page(BaseModel, Generic[T]):
    """`next_offset` is the offset of the next page, or null on the last one."""

    items: list[T]
    limit: int
    offset: int
    next_offset: int | None = Field(description="pass as `offset` for the next page")


def page_of(rows: list[T], limit: int, offset: int) -> Page[T]:
    """`rows` as fetched with `limit + 1`: the extra row only says there is more."""
    more = len(rows) > limit
    return Page[T](
        items=rows[:limit], limit=limit, offset=offset, next_offset=offset + limit if more else None
    )
