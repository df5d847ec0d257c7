"""Time windows in query strings: `from` and `to`, each an Instant, with one rule for every
endpoint that takes them: `from` is not after `to`. Refusals are 422 problems naming the
parameter and the rule, like any other invalid input."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Query
from fastapi.exceptions import RequestValidationError

from lotledger.shared.instants import Instant

WINDOW_RULE = "window_order"


@dataclass(frozen=True)
class Window:
    start: datetime | None
    end: datetime | None


def window(
    start: Annotated[Instant | None, Query(alias="from", description="window start")] = None,
    end: Annotated[Instant | None, Query(alias="to", description="window end")] = None,
) -> Window:
    if start is not None and end is not None and end < start:
        raise RequestValidationError(
            [
                {
                    "type": WINDOW_RULE,
                    "loc": ("query", "to"),
                    "msg": "`to` must not be before `from`",
                    "input": end.isoformat(),
                }
            ]
        )
    return Window(start, end)


TimeWindow = Annotated[Window, Depends(window)]
