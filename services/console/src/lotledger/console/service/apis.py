"""The three APIs a screen may call, and running calls side by side."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from lotledger.console.adapters.alerts import AlertsApi
from lotledger.console.adapters.inventory import InventoryApi
from lotledger.console.adapters.traceability import TraceabilityApi
from lotledger.console.domain.errors import (
    ConsoleError,
    Missing,
    NotAllowed,
    SignedOut,
    Unavailable,
)

T = TypeVar("T")
U = TypeVar("U")


@dataclass(frozen=True)
class Apis:
    inventory: InventoryApi
    traceability: TraceabilityApi
    alerts: AlertsApi


PRIORITY: tuple[type[ConsoleError], ...] = (SignedOut, NotAllowed, Missing, Unavailable)
"""When calls made together fail differently, the page reports the first of these."""


async def together(*calls: Coroutine[Any, Any, Any]) -> list[Any]:
    """Run the calls concurrently; on any failure cancel the rest and raise the most
    telling failure (signed out, then not allowed, then missing, then unavailable)."""
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(c) for c in calls]
    except* ConsoleError as failed:
        raise _most_telling(list(_leaves(failed))) from None
    return [t.result() for t in tasks]


async def bounded(items: Iterable[T], call: Callable[[T], Awaitable[U]], limit: int = 8) -> list[U]:
    """`call` over the items, at most `limit` at once, results in item order."""
    gate = asyncio.Semaphore(limit)

    async def one(item: T) -> U:
        async with gate:
            return await call(item)

    return await together(*(one(i) for i in items))


def _leaves(group: BaseExceptionGroup[ConsoleError]) -> Iterable[ConsoleError]:
    for exc in group.exceptions:
        if isinstance(exc, BaseExceptionGroup):
            yield from _leaves(exc)
        else:
            yield exc


def _most_telling(errors: list[ConsoleError]) -> ConsoleError:
    for kind in PRIORITY:
        for error in errors:
            if isinstance(error, kind):
                return error
    return errors[0]
