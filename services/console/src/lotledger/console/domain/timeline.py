"""The custody timeline, a page at a time: a 10,000-event lot stays usable."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lotledger.console.domain.lots import Step


@dataclass(frozen=True)
class TimelinePage:
    steps: tuple[Step, ...]
    page: int
    """1-based, clamped into [1, pages]."""
    pages: int
    total: int

    @property
    def previous(self) -> int | None:
        return self.page - 1 if self.page > 1 else None

    @property
    def next(self) -> int | None:
        return self.page + 1 if self.page < self.pages else None


def timeline_page(path: Sequence[Step], page: int, size: int) -> TimelinePage:
    """Steps in stream order; page `page` of `size` (a page past the end shows the last)."""
    pages = max(1, -(-len(path) // size))
    page = min(max(page, 1), pages)
    start = (page - 1) * size
    return TimelinePage(tuple(path[start : start + size]), page, pages, len(path))
